/** One way through the demo: which sample ConductorOne sends, which sandbox desk takes it, and how a person answers. */
export interface DemoDesk {
  /** The desk as it is named in the demo's output: `sandbox Jira`. */
  readonly label: string;
  readonly url: string;
  /** The config sections that point the bridge at this desk (its section and routes). */
  readonly config: Record<string, unknown>;
  /** Waits for the ticket the worker opens; its key and how it reads. */
  ticket(): Promise<{ key: string; lines: string[] }>;
  /** A person closes the ticket and the desk tells the bridge; what they did, and the bridge's answer. */
  answer(key: string, bridge: string): Promise<{ did: string; status: number; body: string }>;
  /** The bridge's note on the ticket once ConductorOne took the callback. */
  note(key: string): string | undefined;
  close(): Promise<void>;
}

export interface DemoFlavour {
  readonly name: string;
  /** One line for `--help` and the README. */
  readonly summary: string;
  /** The shipped sample payload ConductorOne sends. */
  readonly fixture: string;
  /** A policy approval step: its callback URL takes approve / deny / reassign answers only. */
  readonly approval?: boolean;
  /** What ConductorOne asks, for the first step's line. */
  readonly asks: string;
  readonly taskId: string;
  readonly stepId: string;
  startDesk(): Promise<DemoDesk>;
}

export async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

export async function postJson(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: answer.status, body: await answer.text() };
}
