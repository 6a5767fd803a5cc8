/** Seconds of a protobuf Duration in JSON (`"604800s"`, `"1.5s"`); undefined for anything else or a negative one. */
export function durationToSeconds(value: string | null | undefined): number | undefined {
  if (value == null) return undefined;
  const match = /^(\d+(?:\.\d{1,9})?)s$/.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** `604800` → `7 days`; `5400` → `1 hour 30 minutes`: for people reading tickets. */
export function humanDuration(seconds: number): string {
  const units: Array<[string, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [name, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count.toString()} ${name}${count === 1 ? '' : 's'}`);
    rest -= count * size;
  }
  return parts.length === 0 ? '0 seconds' : parts.slice(0, 2).join(' ');
}
