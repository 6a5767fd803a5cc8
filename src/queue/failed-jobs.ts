import type { Job, Queue } from 'bullmq';

/** How many jobs are read from Redis at a time: a failed set of any size is read in pages of this. */
export const FAILED_PAGE_SIZE = 1000;

/**
 * Every job in the queue's failed set, newest first, read `pageSize` at a time. The ids are taken first, all of them,
 * so jobs that leave the set while the caller works through it (replayed, removed) neither shift the pages nor make
 * any job be skipped; a job gone by the time its page is read is left out.
 */
export async function* failedJobs(queue: Queue, pageSize = FAILED_PAGE_SIZE): AsyncGenerator<Job> {
  const ids: string[] = [];
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getRanges(['failed'], start, start + pageSize - 1);
    ids.push(...page);
    if (page.length < pageSize) break;
  }
  for (let start = 0; start < ids.length; start += pageSize) {
    const jobs = await Promise.all(ids.slice(start, start + pageSize).map((id) => queue.getJob(id)));
    for (const job of jobs) if (job !== undefined) yield job;
  }
}
