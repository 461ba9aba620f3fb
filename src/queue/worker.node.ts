/**
 * A worker: takes jobs from the queue until closed. BullMQ holds a lock on each job it runs and
 * renews it while the job runs; a worker that dies stops renewing, and after `lockMs` the job is
 * stalled and another worker takes it. Jobs run in a sandboxed processor (processor.ts) on a
 * worker thread, so that the lock is renewed however busy the job keeps its thread.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAME } from './connection.node.js';
import { jobId, type JobData, type JobResult } from './wire.node.js';
import type { ProcessorData } from './processor.node.js';

export interface WorkerOptions {
  /** This worker's name in results (host:pid). */
  name: string;
  /** Folders outside the work directory whose photos embed jobs may name (absolute paths); none by default. */
  photoRoots?: string[];
  /** The BullMQ queue to take jobs from (default QUEUE_NAME). */
  queueName?: string;
  /** Jobs run at once (default 1: a job uses every thread it is given). */
  concurrency?: number;
  /** Threads of each job's engine (default: all cores). */
  threads?: number;
  /** How long a job's lock lasts without renewal: how soon a dead worker's job is handed on (ms). */
  lockMs?: number;
  onEvent?: (event: 'started' | 'done' | 'failed', id: string, detail?: string) => void;
}

export const WORKER_DEFAULTS = Object.freeze({ concurrency: 1, lockMs: 30_000 });

export async function startWorker(connection: Redis, workDir: string, options: WorkerOptions): Promise<Worker<JobData, JobResult>> {
  // loaded here, not on import: only workers need BullMQ
  const { Worker } = await import('bullmq');
  const lockMs = options.lockMs ?? WORKER_DEFAULTS.lockMs;
  const workerData: ProcessorData = { workDir, name: options.name, photoRoots: options.photoRoots ?? [],
    ...(options.threads !== undefined ? { threads: options.threads } : {}) };
  const worker = new Worker<JobData, JobResult>(options.queueName ?? QUEUE_NAME, new URL('./processor.node.js', import.meta.url), {
    connection,
    useWorkerThreads: true,
    workerThreadsOptions: { workerData },
    concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
    lockDuration: lockMs,
    // stalled jobs are looked for as often as a lock lasts; a job may stall twice before it fails
    stalledInterval: lockMs,
    maxStalledCount: 2,
  });
  worker.on('active', (job) => options.onEvent?.('started', jobId(job.data)));
  worker.on('completed', (job) => options.onEvent?.('done', jobId(job.data)));
  worker.on('failed', (job, e) => options.onEvent?.('failed', job ? jobId(job.data) : '?', e.message));
  return worker;
}
