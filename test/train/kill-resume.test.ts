/**
 * Crash safety of training: a run killed with SIGKILL at a random point and resumed from its
 * last checkpoint ends with exactly the weights of an uninterrupted run with the same seed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures, readLabels, writeLabels } from '../../src/io/files.node.js';
import { writeNpy } from '../../src/io/files.node.js';
import { readSafetensors } from '../../src/model/files.node.js';
import { ROOT, SHARED, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');

test('training killed with SIGKILL at a random point and resumed ends with the uninterrupted weights', async (t) => {
  const dir = tempDir(t);
  const n = 500;
  const f = readFeatures(join(SHARED, 'data/lfw-train.feats.npy'));
  const feats = join(dir, 'f.npy'), labels = join(dir, 'l.npy');
  writeNpy(feats, f.data.subarray(0, n * f.dim), [n, f.dim], 'f4');
  writeLabels(labels, readLabels(join(SHARED, 'data/lfw-train.labels.npy')).subarray(0, n));
  const args = (out: string) => ['train', '--features', feats, '--labels', labels, '--out', out, '--k-at-hop', '20', '5', '--active-connection', '5', '--epochs', '3', '--lr-decay-epochs', '2', '--seed', '7'];

  const full = join(dir, 'full');
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args(full)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // an upper bound of one epoch: the whole run over its three epochs
  const epochMs = (performance.now() - started) / 3;

  const part = join(dir, 'part');
  const child = spawn(process.execPath, [CLI, ...args(part)], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // wait for the first checkpoint, then kill within the second epoch (of three)
  while (!existsSync(join(part, 'checkpoint.safetensors'))) await new Promise((res) => setTimeout(res, 20));
  const delay = Math.floor((0.1 + 0.4 * Math.random()) * epochMs);
  await new Promise((res) => setTimeout(res, delay));
  child.kill('SIGKILL');
  const signal = await exited;
  t.diagnostic(`killed ${delay} ms after the first checkpoint (an epoch takes at most ${epochMs.toFixed(0)} ms)`);
  assert.equal(signal, 'SIGKILL', 'the run was killed, not finished');
  assert.ok(!existsSync(join(part, 'model.safetensors')), 'the killed run had not written its model');
  assert.equal(readSafetensors(join(part, 'checkpoint.safetensors')).metadata.epoch, '1', 'the kill fell after the first epoch\'s checkpoint');
  // the checkpoint left behind is whole: written atomically, its checksum verifies
  assert.ok(readSafetensors(join(part, 'checkpoint.safetensors')).metadata.epoch);

  const resumed = spawnSync(process.execPath, [CLI, ...args(part), '--resume'], { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  const a = readSafetensors(join(full, 'model.safetensors')).tensors, b = readSafetensors(join(part, 'model.safetensors')).tensors;
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [name, x] of a) assert.deepEqual(b.get(name)!.data, x.data, name);
});
