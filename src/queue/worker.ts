/**
 * A worker: takes jobs from the queue until closed. BullMQ holds a lock on each job it runs and
 * renews it while the job runs; a worker that dies stops renewing, and after `lockMs` the job is
 * stalled and another worker takes it.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { FaceEmbedder } from '../embed/index.js';
import { QUEUE_NAME } from './connection.js';
import { processJob, RunCache, jobId, type JobData, type JobResult } from './jobs.js';

export interface WorkerOptions {
  /** This worker's name in results (host:pid). */
  name: string;
  /** Jobs run at once (default 1: a job uses every thread it is given). */
  concurrency?: number;
  /** Threads of each job's engine (default: all cores). */
  threads?: number;
  /** How long a job's lock lasts without renewal: how soon a dead worker's job is handed on (ms). */
  lockMs?: number;
  onEvent?: (event: 'started' | 'done' | 'failed', id: string, detail?: string) => void;
}

export const WORKER_DEFAULTS = Object.freeze({ concurrency: 1, lockMs: 30_000 });

export function startWorker(connection: Redis, workDir: string, options: WorkerOptions): Worker<JobData, JobResult> {
  const cache = new RunCache(workDir, options.threads);
  const lockMs = options.lockMs ?? WORKER_DEFAULTS.lockMs;
  const worker = new Worker<JobData, JobResult>(QUEUE_NAME, async (job) => {
    const id = jobId(job.data);
    options.onEvent?.('started', id);
    const result = await processJob(job.data, cache, options.name, (minScore, cropSize) => FaceEmbedder.create({ minScore, cropSize }));
    options.onEvent?.('done', id);
    return result;
  }, {
    connection,
    concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
    lockDuration: lockMs,
    // stalled jobs are looked for as often as a lock lasts; a job may stall twice before it fails
    stalledInterval: lockMs,
    maxStalledCount: 2,
  });
  worker.on('failed', (job, e) => options.onEvent?.('failed', job ? jobId(job.data) : '?', e.message));
  return worker;
}
