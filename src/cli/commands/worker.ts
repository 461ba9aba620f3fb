import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fail } from '../../errors.js';
import { connectRedis, QUEUE_NAME } from '../../queue/connection.node.js';
import { startWorker, WORKER_DEFAULTS } from '../../queue/worker.node.js';
import { THREADS_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { untilStopped } from '../signals.js';

const WORKER_OPTIONS = defineOptions({
  queue: { type: 'string', help: 'the Redis the coordinators use (redis://HOST:PORT)', required: true },
  'work-dir': { type: 'string', help: 'the coordinators\' work directory, as this machine sees it', required: true },
  'queue-name': { type: 'string', default: QUEUE_NAME, help: 'the BullMQ queue of that work directory\'s coordinators' },
  'photo-roots': { type: 'string', help: `folders (separated by '${delimiter}') outside the work directory whose photos embed jobs may name; any other photo outside it is refused` },
  concurrency: { type: 'integer', min: 1, default: WORKER_DEFAULTS.concurrency, help: 'jobs at once' },
  'lock-seconds': { type: 'number', above: 0, default: WORKER_DEFAULTS.lockMs / 1000, help: 'how long a job stays locked without renewal: how soon a dead worker\'s job goes to another' },
  quiet: { type: 'boolean', help: 'no line per job' },
  ...THREADS_OPTION,
});

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'take jobs of queued runs (cluster/embed --queue) until stopped',
  usage: 'worker --queue redis://HOST:PORT --work-dir DIR [--photo-roots DIR:DIR] [--threads N] [--concurrency 1]',
  options: WORKER_OPTIONS,
}, runWorker);

async function runWorker(o: OptionValues<typeof WORKER_OPTIONS>): Promise<void> {
  const workDir = o['work-dir'];
  if (!existsSync(workDir)) fail('NOT_FOUND', 'no such work directory', workDir);
  const photoRoots = o['photo-roots'] === undefined ? [] : o['photo-roots'].split(delimiter).filter((r) => r !== '');
  for (const root of photoRoots) if (!existsSync(root)) fail('NOT_FOUND', '--photo-roots: no such folder', root);
  const connection = await connectRedis(o.queue);
  const name = `${hostname()}:${process.pid}`;
  const log = (m: string) => { if (!o.quiet) console.error(`facecluster worker ${name}: ${m}`); };
  const worker = await startWorker(connection, workDir, {
    name,
    photoRoots,
    queueName: o['queue-name'],
    concurrency: o.concurrency,
    lockMs: o['lock-seconds'] * 1000,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    onEvent: (event, id, detail) => log(`${event} ${id}${detail ? `: ${detail}` : ''}`),
  });
  await worker.waitUntilReady();
  log(`waiting for jobs on ${o.queue}`);
  // stopped by a signal: let the running job finish, then leave
  await untilStopped();
  log('stopping');
  await worker.close();
  connection.disconnect();
}
