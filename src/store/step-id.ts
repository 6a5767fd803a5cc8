/** One string for a task step, reversible: used as a set member and an index value. */
export function encodeStep(taskId: string, stepId: string): string {
  return `${encodeURIComponent(taskId)}|${encodeURIComponent(stepId)}`;
}

export function decodeStep(value: string): { taskId: string; stepId: string } | undefined {
  const [task, step, extra] = value.split('|');
  if (task === undefined || step === undefined || extra !== undefined) return undefined;
  return { taskId: decodeURIComponent(task), stepId: decodeURIComponent(step) };
}
