/**
 * The job processor BullMQ runs on a worker thread of a `facecluster worker` (a sandboxed
 * processor): the work stays off the thread that renews the job's lock, so a long computation is
 * never mistaken for a dead worker. The thread is kept between jobs, and with it the run's
 * inputs (RunCache).
 */
import { workerData } from 'node:worker_threads';
import type { Job } from 'bullmq';
import { createFaceEmbedder } from '../embed/embedder.node.js';
import { processJob, RunCache } from './jobs.node.js';
import type { JobResult } from './wire.node.js';

export interface ProcessorData { workDir: string; name: string; photoRoots: string[]; threads?: number }

const settings = workerData as ProcessorData;
const cache = new RunCache(settings.workDir, settings.threads, settings.photoRoots);

export default function processQueuedJob(job: Job<unknown, JobResult>): Promise<JobResult> {
  return processJob(job.data, cache, settings.name, createFaceEmbedder);
}
