import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { runThreadPool } from '../src/thread-pool.node.js';
import { tempDir } from './helpers.js';

/** A worker that squares numbers, throws on 13 and exits on 7. */
const SCRIPT = `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (x) => {
  if (x === null) return parentPort.close();
  if (x === 13) throw new Error('unlucky');
  if (x === 7) process.exit(5);
  parentPort.postMessage(x * x);
});`;

function pool(t: Parameters<typeof tempDir>[0], tasks: number[], workers: number, onLost?: (task: number, why: string) => boolean) {
  const script = join(tempDir(t), 'square.mjs');
  writeFileSync(script, SCRIPT);
  const results = new Map<number, number>();
  let next = 0;
  const run = runThreadPool<number, number>({
    url: pathToFileURL(script), workerData: null, workers, name: 'square',
    next: () => tasks[next++], describe: (x) => `squaring ${x}`, onResult: (x, r) => results.set(x, r), ...(onLost ? { onLost } : {}),
  });
  return { run, results };
}

test('runThreadPool: every task once, on every worker; none started for no workers', async (t) => {
  const tasks = Array.from({ length: 40 }, (_, i) => i + 20);
  const { run, results } = pool(t, tasks, 3);
  await run;
  assert.deepEqual([...results].sort((a, b) => a[0] - b[0]), tasks.map((x) => [x, x * x]));
  const none = pool(t, [1, 2], 0);
  await none.run;
  assert.equal(none.results.size, 0);
});

test('runThreadPool: a worker lost on a task fails the run, naming it, unless onLost gives the task up', async (t) => {
  await assert.rejects(pool(t, [1, 2, 13, 4], 1).run, /square worker 0 failed while squaring 13: unlucky/);
  await assert.rejects(pool(t, [1, 7, 3], 1).run, /square worker 0 stopped while squaring 7: exit code 5/);
  const lost: string[] = [];
  const { run, results } = pool(t, [1, 7, 3, 13, 5], 2, (x, why) => lost.push(`${x}: ${why}`) > 0);
  await run;
  assert.deepEqual([...results.keys()].sort((a, b) => a - b), [1, 3, 5]);
  assert.deepEqual(lost.sort(), ['13: unlucky', '7: exit code 5']);
});
