/**
 * Queued runs against a real redis-server: FACECLUSTER_TEST_REDIS (the one .ci/run starts), or
 * one started here on a free loopback port when redis-server is installed; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readFeatures, writeNpy } from '../../src/io/index.js';
import { ROOT, SHARED, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const FEATS = join(ROOT, 'data/lfw-test.feats.npy');

let url = process.env.FACECLUSTER_TEST_REDIS;
let server: ChildProcess | undefined;
/** lfw-test's first `n` faces, as a features file in `dir`. */
function firstFaces(dir: string, n: number): string {
  const path = join(dir, 'faces.npy');
  const all = readFeatures(FEATS);
  writeNpy(path, all.data.subarray(0, n * all.dim), [n, all.dim], 'f4');
  return path;
}

const hasRedis = url !== undefined || spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  if (url !== undefined || !hasRedis) return;
  const port = await freePort();
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.includes('PONG')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
});
after(() => { server?.kill(); });

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A running command, its stderr collected; `exited` resolves with its exit code (or signal). */
function start(...args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { log: '', child, exited: new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))) };
  child.stderr.on('data', (d: Buffer) => { out.log += d.toString(); });
  child.stdout.on('data', (d: Buffer) => { out.log += d.toString(); });
  return out;
}

function startWorkers(count: number, workDir: string, ...extra: string[]) {
  return Array.from({ length: count }, () => start('worker', '--queue', url!, '--work-dir', workDir, '--threads', '1', '--lock-seconds', '2', ...extra));
}

async function stop(workers: ReturnType<typeof start>[]) {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

async function until(cond: () => boolean, ms: number, what: string) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('cluster --queue: three workers, one SIGKILLed during a GCN job; the labels equal a single-process run, for gcn and the default', { skip: !hasRedis && 'redis-server is not installed' }, async (t) => {
  const dir = tempDir(t);
  const work = join(dir, 'work');
  spawnSync('mkdir', ['-p', work]);
  // five GCN jobs of 500 pivots, seconds each
  const feats = firstFaces(dir, 2500);
  let r = run('cluster', '--method', 'gcn', '--features', feats, '--out', join(dir, 'gcn.npy'), '--threads', '2');
  assert.equal(r.code, 0, r.stderr);
  r = run('cluster', '--features', feats, '--out', join(dir, 'default.npy'));
  assert.equal(r.code, 0, r.stderr);

  const workers = startWorkers(3, work);
  try {
    const coordinator = start('cluster', '--method', 'gcn', '--features', feats, '--out', join(dir, 'gcn-queued.npy'), '--queue', url!, '--work-dir', work, '--job-faces', '500', '--queue-timeout', '120');
    // kill the first worker as soon as it starts a GCN job (each takes seconds)
    const victim = workers[0]!;
    await until(() => /started (\S+-gcn-\S+)/.test(victim.log), 120_000, 'a GCN job on the first worker');
    victim.child.kill('SIGKILL');
    const killedJob = /started (\S+-gcn-\S+)/.exec(victim.log)![1]!;
    assert.equal(await victim.exited, 'SIGKILL');
    assert.ok(!victim.log.includes(`done ${killedJob}`), 'the job was still running when its worker died');
    assert.equal(await coordinator.exited, 0, coordinator.log);
    assert.deepEqual(readFileSync(join(dir, 'gcn-queued.npy')), readFileSync(join(dir, 'gcn.npy')), 'the same labels as one process');
    assert.ok(workers.slice(1).some((w) => w.log.includes(`done ${killedJob}`)), 'another worker finished the killed job');

    r = run('cluster', '--features', feats, '--out', join(dir, 'default-queued.npy'), '--queue', url!, '--work-dir', work, '--queue-timeout', '60');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(join(dir, 'default-queued.npy')), readFileSync(join(dir, 'default.npy')));
  } finally {
    await stop(workers);
  }
});

test('embed --queue on lfw-sample writes the same files as embed', { skip: !hasRedis && 'redis-server is not installed' }, async (t) => {
  const dir = tempDir(t);
  const work = join(dir, 'work');
  spawnSync('mkdir', ['-p', work]);
  const sample = join(SHARED, 'data/lfw-sample');
  let r = run('embed', sample, '--out', join(dir, 'local'));
  assert.equal(r.code, 0, r.stderr);
  // the photos are outside the work directory: a worker not given their folder refuses them
  const refusing = startWorkers(1, work);
  try {
    r = run('embed', sample, '--out', join(dir, 'refused'), '--queue', url!, '--work-dir', work, '--queue-timeout', '60');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /a photo outside the work directory and the worker's photo roots \(none given to the worker\): refused/);
  } finally {
    await stop(refusing);
  }
  const workers = startWorkers(2, work, '--photo-roots', sample);
  try {
    r = run('embed', sample, '--out', join(dir, 'queued'), '--queue', url!, '--work-dir', work, '--queue-timeout', '120');
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await stop(workers);
  }
  for (const f of ['features.npy', 'faces.json']) assert.deepEqual(readFileSync(join(dir, 'queued', f)), readFileSync(join(dir, 'local', f)), f);
  assert.ok(workers.every((w) => /done \S+-embed-/.test(w.log)), 'both workers took photos');
});

test('a queued run computes what it was asked: other settings after a killed coordinator, and two coordinators at once, each get their own labels', { skip: !hasRedis && 'redis-server is not installed' }, async (t) => {
  const dir = tempDir(t);
  const work = join(dir, 'work');
  spawnSync('mkdir', ['-p', work]);
  // jobs of seconds
  const feats = firstFaces(dir, 2000);
  const settings = { a: ['--k-at-hop', '20', '2', '--active-connection', '2'], b: ['--k-at-hop', '20', '5', '--active-connection', '5'] };
  for (const [name, s] of Object.entries(settings)) {
    const r = run('cluster', '--method', 'gcn', ...s, '--features', feats, '--out', join(dir, `${name}.npy`));
    assert.equal(r.code, 0, r.stderr);
  }
  assert.notDeepEqual(readFileSync(join(dir, 'a.npy')), readFileSync(join(dir, 'b.npy')), 'the two settings give different labels');
  const queued = (name: keyof typeof settings, out: string) => start('cluster', '--method', 'gcn', ...settings[name], '--features', feats, '--out', join(dir,
    out), '--queue', url!, '--work-dir', work, '--job-faces', '250', '--queue-timeout', '120');
  const workers = startWorkers(2, work);
  try {
    // settings a, killed once a GCN job has finished; then settings b on the same features and work directory
    const killed = queued('a', 'killed.npy');
    await until(() => workers.some((w) => /done \S+-gcn-/.test(w.log)), 180_000, 'a finished GCN job').catch((e: Error) => {
      throw new Error(`${e.message}\ncoordinator: ${killed.log.slice(-1500)}\nworkers: ${workers.map((w) => w.log.slice(-800)).join('\n')}`);
    });
    killed.child.kill('SIGKILL');
    await killed.exited;
    const b = queued('b', 'b-queued.npy');
    assert.equal(await b.exited, 0, b.log);
    assert.deepEqual(readFileSync(join(dir, 'b-queued.npy')), readFileSync(join(dir, 'b.npy')), 'settings b\'s labels, not a\'s');
    // two coordinators at once on the same features, with other settings and with the same
    const both = [queued('a', 'a1.npy'), queued('b', 'b1.npy'), queued('a', 'a2.npy')];
    for (const c of both) assert.equal(await c.exited, 0, c.log);
    assert.deepEqual(readFileSync(join(dir, 'a1.npy')), readFileSync(join(dir, 'a.npy')));
    assert.deepEqual(readFileSync(join(dir, 'a2.npy')), readFileSync(join(dir, 'a.npy')));
    assert.deepEqual(readFileSync(join(dir, 'b1.npy')), readFileSync(join(dir, 'b.npy')));
  } finally {
    await stop(workers);
  }
});

test('queue errors end the run with a message: Redis unreachable, work directory not shared, no workers', { skip: !hasRedis && 'redis-server is not installed' }, async (t) => {
  const dir = tempDir(t);
  const work = join(dir, 'work');
  spawnSync('mkdir', ['-p', work, join(dir, 'elsewhere')]);
  const port = await freePort();
  let r = run('cluster', '--features', FEATS, '--out', join(dir, 'x.npy'), '--queue', `redis://127.0.0.1:${port}`, '--work-dir', work);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot reach Redis at redis://127.0.0.1:${port} \\(ECONNREFUSED\\)`));
  r = run('cluster', '--features', FEATS, '--out', join(dir, 'x.npy'), '--queue', url!);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--queue needs --work-dir/);

  // a worker given another folder cannot read the run's inputs: its jobs fail, naming the path
  const workers = startWorkers(1, join(dir, 'elsewhere'));
  try {
    r = run('cluster', '--features', FEATS, '--out', join(dir, 'x.npy'), '--queue', url!, '--work-dir', work, '--queue-timeout', '60');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /failed on every try \(3\): .*elsewhere\/runs\/\S+\/features\.npy: cannot read the job's input: is the work directory shared/);
  } finally {
    await stop(workers);
  }
  // nobody takes the jobs (the one worker serves another queue): the coordinator gives up after --queue-timeout
  const other = start('worker', '--queue', url!, '--work-dir', work, '--queue-name', 'another-folder');
  try {
    await until(() => /waiting for jobs/.test(other.log), 30_000, 'the other queue\'s worker');
    const t0 = Date.now();
    r = run('cluster', '--features', FEATS, '--out', join(dir, 'x.npy'), '--queue', url!, '--work-dir', work, '--queue-timeout', '2');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no job finished in 2 s \(0 of 4 done, 0 workers seen\)/);
    assert.ok(Date.now() - t0 < 30_000);
    assert.ok(!/started/.test(other.log), 'a worker of another queue takes none of its jobs');
  } finally {
    await stop([other]);
  }
  assert.throws(() => readFileSync(join(dir, 'x.npy')), 'no output written');
});
