/** The options that make a command a coordinator of queued workers, and the run they describe. */
import { fail } from '../errors.js';
import { connectRedis, QUEUE_NAME } from '../queue/connection.node.js';
import { QUEUE_DEFAULTS } from '../queue/coordinator.node.js';
import { l2Normalize } from '../knn/index.js';
import type { Model } from '../model/model.js';
import type { GcnScoringOptions, LinkScorer, SharedClusterOptions } from '../pipeline/cluster.js';
import { DISTRIBUTED_DEFAULTS, finishRun, prepareRun, queuedKnn, queuedScores, type QueuedRun, type RunHandle } from '../queue/distributed.node.js';
import type { Features } from '../types.js';
import { defineOptions, type OptionValues } from './args.js';
import { Progress } from './progress.js';

export const QUEUE_OPTIONS = defineOptions({
  queue: { type: 'string', help: 'coordinate workers through BullMQ on this Redis (redis://HOST:PORT): the work is cut into jobs that `facecluster worker` processes take' },
  'work-dir': { type: 'string', help: 'with --queue: a folder every machine reads and writes (a shared filesystem), the same one given to the workers' },
  'queue-name': { type: 'string', default: QUEUE_NAME, help: 'with --queue: the BullMQ queue, shared with the workers of this work directory (one name a work directory when several share a Redis)' },
  'queue-timeout': { type: 'number', above: 0, default: QUEUE_DEFAULTS.timeoutMs / 1000, help: 'with --queue: give up when no job has finished for this many seconds' },
});

export const JOB_FACES_OPTION = defineOptions({
  'job-faces': { type: 'integer', min: 1, default: DISTRIBUTED_DEFAULTS.jobFaces, help: 'with --queue: faces (kNN rows, GCN pivots) a job takes' },
});

/** The queued run the options ask for (connected to Redis), or undefined without --queue. */
type QueueValues = OptionValues<typeof QUEUE_OPTIONS> & Partial<OptionValues<typeof JOB_FACES_OPTION>>;

export async function queuedRunFrom(o: QueueValues, quiet: boolean): Promise<(QueuedRun & { bar: Progress }) | undefined> {
  if (o.queue === undefined) {
    if (o['work-dir'] !== undefined) fail('BAD_OPTION', '--work-dir goes with --queue');
    return undefined;
  }
  if (o['work-dir'] === undefined) fail('BAD_OPTION', '--queue needs --work-dir, a folder the workers share');
  const connection = await connectRedis(o.queue);
  const bar = new Progress('queue', 'jobs', quiet);
  return {
    connection, bar,
    workDir: o['work-dir'],
    timeoutMs: o['queue-timeout'] * 1000,
    queueName: o['queue-name'],
    ...(o['job-faces'] !== undefined ? { jobFaces: o['job-faces'] } : {}),
    onProgress: (done, total, workers) => bar.update(done, total, `${workers} worker${workers === 1 ? '' : 's'} seen`),
  };
}

/**
 * cluster's stages on the queue: the kNN graph and, with a model (read from `modelDir`), the GCN's
 * link scores come from the workers. `finish` lets go of the run (its jobs leave the queue; its
 * folder too once done by its last owner) and of Redis, done or given up.
 */
export function queuedClustering(queued: QueuedRun & { bar: Progress }, model: Model | undefined, modelDir: string):
  { hooks: Pick<SharedClusterOptions, 'knnProvider'> & Pick<GcnScoringOptions, 'linkScorer'>; finish(completed: boolean): Promise<void> } {
  let run: RunHandle | undefined;
  const prepared = (unit: Features) => (run ??= prepareRun(queued, unit));
  const isUnit = model?.config.normalize === 'l2';
  const linkScorer: LinkScorer = (input, knn, ips) => queuedScores(queued, prepared(isUnit ? input : l2Normalize(input)), modelDir, input, isUnit, knn, ips);
  return {
    hooks: { knnProvider: (unit, k) => queuedKnn(queued, prepared(unit), unit, k), ...(model ? { linkScorer } : {}) },
    async finish(completed) {
      try {
        if (run !== undefined) await finishRun(queued, run, { completed });
      } finally {
        queued.bar.done();
        queued.connection.disconnect();
      }
    },
  };
}
