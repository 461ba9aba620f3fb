/**
 * The coordinator's side of a queued run: it puts jobs on BullMQ and waits until each has a
 * checked result. Jobs have ids derived from everything that determines their result, so adding
 * one twice (a coordinator started again) adds nothing; BullMQ retries a failed job and hands a stalled one
 * (its worker died) to another worker. The coordinator fails, naming the job and the reason,
 * when a job has failed on every try, and when no job has finished for `timeoutMs`.
 */
import type { Queue as QueueType } from 'bullmq';
import type { Redis } from 'ioredis';
import { fail } from '../errors.js';
import { QUEUE_NAME } from './connection.node.js';
import { readResult } from './jobs.node.js';
import { jobId, type JobData, type JobResult } from './wire.node.js';

export interface QueueRunOptions {
  /** Longest wait without any job finishing before giving up (ms). */
  timeoutMs: number;
  /** Tries a job gets (default 3). */
  attempts?: number;
  /** The BullMQ queue (default QUEUE_NAME); its workers must share this run's work directory. */
  queueName?: string;
  onProgress?: (done: number, total: number, workersSeen: number) => void;
}

export const QUEUE_DEFAULTS = Object.freeze({ timeoutMs: 600_000, attempts: 3 });

/** Runs `jobs` on the queue; returns each job's checked result bytes, in the order of `jobs`. */
export async function runJobs(connection: Redis, workDir: string, jobs: JobData[], options: QueueRunOptions): Promise<Uint8Array[]> {
  const name = options.queueName ?? QUEUE_NAME;
  // loaded here, not on import: only queued runs need BullMQ
  const { Queue, QueueEvents } = await import('bullmq');
  const queue: QueueType = new Queue(name, { connection });
  // QueueEvents blocks on its connection: it gets its own, closed here (BullMQ leaves a given connection open)
  const eventsConnection = connection.duplicate();
  const events = new QueueEvents(name, { connection: eventsConnection });
  const ids = jobs.map(jobId);
  const index = new Map(ids.map((id, i) => [id, i]));
  const results: (Uint8Array | undefined)[] = new Array(jobs.length);
  const workers = new Set<string>();
  let done = 0;
  let failure: string | undefined;
  let lastProgress = Date.now();
  const wake: { fn?: () => void } = {};
  const take = (id: string, value: unknown) => {
    const i = index.get(id);
    if (i === undefined || results[i]) return;
    const result = (typeof value === 'string' ? JSON.parse(value) : value) as JobResult | null;
    // a completion without its result (an event of an earlier run's job of the same id): the poll below looks again
    if (typeof result?.file !== 'string' || typeof result.sha256 !== 'string') return;
    try {
      results[i] = readResult(workDir, jobs[i]!, result);
    } catch (e) {
      failure = (e as Error).message;
    }
    workers.add(result.worker);
    done++;
    lastProgress = Date.now();
    options.onProgress?.(done, jobs.length, workers.size);
    wake.fn?.();
  };
  const fell = async (id: string, reason: string) => {
    if (!index.has(id)) return;
    // BullMQ reports each failed try; only the last one fails the run
    const state = await queue.getJobState(id).catch(() => 'unknown');
    if (state === 'failed') failure ??= `job ${id} failed on every try (${options.attempts ?? QUEUE_DEFAULTS.attempts}): ${reason}`;
    wake.fn?.();
  };
  events.on('completed', ({ jobId: id, returnvalue }) => take(id, returnvalue));
  events.on('failed', ({ jobId: id, failedReason }) => void fell(id, failedReason));
  try {
    await events.waitUntilReady();
    options.onProgress?.(0, jobs.length, 0);
    const attempts = options.attempts ?? QUEUE_DEFAULTS.attempts;
    await queue.addBulk(jobs.map((data, i) => ({
      name: data.kind, data,
      opts: { jobId: ids[i]!, attempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
    })));
    // a job of the same id that failed in an earlier run (the same inputs) is tried afresh
    for (const id of ids) {
      const job = await queue.getJob(id);
      if (job && (await job.getState()) === 'failed') await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    }
    // events can be missed (a job done before the subscription, a dropped connection): every
    // few seconds the jobs still pending are looked up as well
    while (done < jobs.length && failure === undefined) {
      await new Promise<void>((resolve) => { wake.fn = resolve; setTimeout(resolve, 2000); });
      for (let i = 0; i < jobs.length && failure === undefined; i++) {
        if (results[i]) continue;
        const job = await queue.getJob(ids[i]!);
        if (!job) fail('FAILED', `job ${ids[i]} vanished from the queue (was it cleared by someone else?)`);
        const state = await job.getState();
        if (state === 'completed') take(ids[i]!, job.returnvalue);
        else if (state === 'failed') failure = `job ${ids[i]} failed on every try (${attempts}): ${job.failedReason}`;
      }
      if (failure === undefined && Date.now() - lastProgress > options.timeoutMs) {
        failure = `no job finished in ${Math.round(options.timeoutMs / 1000)} s (${done} of ${jobs.length} done, ${workers.size} workers seen): are workers taking jobs from queue '${name}' with this work directory? (or allow a longer timeout)`;
      }
    }
    if (failure !== undefined) fail('FAILED', failure);
    return results as Uint8Array[];
  } finally {
    // the jobs stay queued: their run's owner removes them (distributed.ts, finishRun)
    await events.close();
    await queue.close();
    eventsConnection.disconnect();
  }
}

/** Takes jobs off the queue (one a worker holds is left to finish). */
export async function removeJobs(connection: Redis, options: Pick<QueueRunOptions, 'queueName'>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const { Queue } = await import('bullmq');
  const queue: QueueType = new Queue(options.queueName ?? QUEUE_NAME, { connection });
  try {
    await Promise.all(ids.map((id) => queue.remove(id).catch(() => 0)));
  } finally {
    await queue.close();
  }
}
