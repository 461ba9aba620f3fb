/** `import-torch`, then `cluster` with the imported model: the reference's scores and partition, end to end. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import { loadModel } from '../../src/model/files.node.js';
import { FIXTURES, ROOT, samePartition, SHARED, tempDir } from '../helpers.js';

const DIR = join(FIXTURES, 'torch');
const CLI = join(ROOT, 'dist/src/cli/main.js');

test("import-torch, then cluster with the seed's propagation: the reference's link scores (to 1e-4) and partition on synth-test", (t) => {
  const dir = tempDir(t);
  const model = join(dir, 'model');
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  let r = cli('import-torch', join(DIR, 'golden-legacy.ckpt'), '--out', model, '--k-at-hop', '20', '5', '--active-connection', '5');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(loadModel(model).config.normalize, 'none');
  // a state dict does not say how it was trained: nothing is claimed
  assert.equal(loadModel(model).config.trainIps, undefined);
  assert.deepEqual(loadModel(model).config.training, { importedFrom: 'golden-legacy.ckpt' });
  const g = join(SHARED, 'golden');
  r = cli('cluster', '--features', join(g, 'synth-test.feats.npy'), '--knn', join(g, 'synth-test.knn.npy'), '--model', model,
    '--out', join(dir, 'pred.npy'), '--edges-out', join(dir, 'edges.npy'), '--scores-out', join(dir, 'scores.npy'), '--min-score', '0', '--linkage', 'propagation');
  assert.equal(r.status, 0, r.stderr);
  const ref = new Map<number, number>();
  const refEdges = npyToInt32(readNpyView(join(g, 'propagation/edges.npy'))), refScores = npyToFloat64(readNpyView(join(g, 'propagation/scores.npy')));
  refScores.forEach((s, i) => { ref.set(refEdges[2 * i]! * 10000 + refEdges[2 * i + 1]!, s); });
  const edges = npyToInt32(readNpyView(join(dir, 'edges.npy'))), scores = npyToFloat64(readNpyView(join(dir, 'scores.npy')));
  assert.equal(scores.length, refScores.length);
  scores.forEach((s, i) => {
    const want = ref.get(edges[2 * i]! * 10000 + edges[2 * i + 1]!);
    assert.ok(want !== undefined && Math.abs(s - want) < 1e-4, `edge ${i}: ${s} vs ${want}`);
  });
  assert.ok(samePartition(npyToInt32(readNpyView(join(dir, 'pred.npy'))), npyToInt32(readNpyView(join(g, 'propagation/pred_labels.npy')), 'pred_labels.npy', true)));
  // an existing model is not overwritten
  r = cli('import-torch', join(DIR, 'golden-legacy.ckpt'), '--out', model);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /a model is already here/);
  writeFileSync(join(dir, 'junk.ckpt'), 'junk');
  r = cli('import-torch', join(dir, 'junk.ckpt'), '--out', join(dir, 'm2'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /junk.ckpt: not a PyTorch checkpoint/);
});
