import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deepLegacyCheckpoint } from '../fuzz/readers.js';
import { FaceclusterError } from '../../src/errors.js';
import { npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/formats.js';
import { decodeTorchCheckpoint } from '../../src/io/torch.js';
import { loadModel } from '../../src/model/files.js';
import { paramsFromTorch } from '../../src/model/import-torch.js';
import { paramShapes } from '../../src/model/params.js';
import { FIXTURES, ROOT, samePartition, SHARED, tempDir } from '../helpers.js';
import { goldenParams } from '../model/golden.js';

const DIR = join(FIXTURES, 'torch');
const TINY = { dim: 6, widths: [8, 8, 4, 4], hidden: 4 };
const CLI = join(ROOT, 'dist/src/cli/main.js');

test('every checkpoint layout (zip and legacy, bare, under state_dict, DataParallel) gives the same tensors', () => {
  for (const file of ['tiny-zip-bare.pt', 'tiny-zip-wrapped.pt', 'tiny-legacy-bare.pt', 'tiny-legacy-dataparallel.ckpt']) {
    const { params, architecture } = paramsFromTorch(decodeTorchCheckpoint(readFileSync(join(DIR, file)), file), file);
    assert.deepEqual(architecture, TINY, file);
    // make_torch_fixtures.py: value k of tensor t is t + 0.001·k (+1 for the variances), row-major
    // even where the tensor is a strided view or shares its storage with another
    paramShapes(TINY).forEach(([name, shape], t) => {
      const p = params.get(name)!;
      assert.deepEqual(p.shape, shape, `${file} ${name}`);
      p.data.forEach((x, k) => assert.ok(Math.abs(x - (t + 0.001 * k + (name === 'bn0.running_var' ? 1 : 0))) < 1e-6, `${file} ${name}[${k}] = ${x}`));
    });
    assert.equal(params.has('bn0.num_batches_tracked'), false);
  }
});

test('the legacy golden checkpoint holds exactly the reference weights', () => {
  const { params } = paramsFromTorch(decodeTorchCheckpoint(readFileSync(join(DIR, 'golden-legacy.ckpt'))));
  for (const [name, p] of goldenParams()) assert.deepEqual(params.get(name)!.data, p.data, name);
});

test('damaged or foreign checkpoints are refused with one clean message', () => {
  const legacy = readFileSync(join(DIR, 'tiny-legacy-bare.pt'));
  const zip = readFileSync(join(DIR, 'tiny-zip-bare.pt'));
  const cases: [Uint8Array, RegExp][] = [
    [new TextEncoder().encode('hello'), /not a PyTorch checkpoint/],
    [legacy.subarray(0, legacy.length - 10), /truncated/],
    [legacy.subarray(0, legacy.length - 30), /truncated: storage/],
    [legacy.subarray(0, 200), /not a readable pickle: unterminated line/],
    [zip.subarray(0, 300), /not a readable zip archive/],
    // 100,000 nested lists: refused, not a stack overflow
    [deepLegacyCheckpoint(100_000), /nested more than 1000 deep/],
  ];
  for (const [bytes, re] of cases) {
    assert.throws(() => paramsFromTorch(decodeTorchCheckpoint(bytes, 'x.ckpt'), 'x.ckpt'), (e) => e instanceof FaceclusterError && re.test(e.message) && e.message.startsWith('x.ckpt: '));
  }
});

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
  refScores.forEach((s, i) => ref.set(refEdges[2 * i]! * 10000 + refEdges[2 * i + 1]!, s));
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
