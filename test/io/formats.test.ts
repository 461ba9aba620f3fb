import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { readFeatures, readKnn, readLabels, writeFeatures, writeKnn, writeLabels, writeSims } from '../../src/io/files.node.js';
import { writeNpy } from '../../src/io/files.node.js';
import { FIXTURES, tempDir } from '../helpers.js';

const isError = (re: RegExp, code?: string) => (e: unknown) => e instanceof FaceclusterError && re.test(e.message) && (code === undefined || e.code === code);

test('learn-to-cluster .npz kNN (compressed and stored) reads as ids and similarities', () => {
  for (const f of ['l2c-knn.npz', 'l2c-knn-stored.npz']) {
    const knn = readKnn(join(FIXTURES, f));
    assert.equal(knn.n, 3);
    assert.equal(knn.k, 2);
    assert.deepEqual(Array.from(knn.indices), [0, 2, 1, 1, 0, 2, 2, 0, 1]);
    assert.deepEqual(Array.from(knn.sims!, (x) => Math.round(x * 1e6) / 1e6), [1, 0.9, 0.7, 1, 0.7, 0.6, 1, 0.9, 0.6]);
  }
});

test('kNN round-trips through .npy and .npz', (t) => {
  const dir = tempDir(t);
  const knn = { n: 3, k: 2, indices: Int32Array.of(0, 2, 1, 1, 0, 2, 2, 0, 1), sims: Float32Array.of(1, 0.5, 0.25, 1, 0.5, 0.125, 1, 0.5, 0.125) };
  writeKnn(join(dir, 'g.npy'), knn);
  assert.deepEqual(Array.from(readKnn(join(dir, 'g.npy')).indices), Array.from(knn.indices));
  writeKnn(join(dir, 'g.npz'), knn);
  const back = readKnn(join(dir, 'g.npz'));
  assert.deepEqual(Array.from(back.indices), Array.from(knn.indices));
  assert.deepEqual(Array.from(back.sims!), Array.from(knn.sims));
  writeSims(join(dir, 's.npy'), knn);
  assert.ok(existsSync(join(dir, 's.npy')));
});

test('a learn-to-cluster row where a duplicate precedes the face itself is reordered; rows without the face or listing one twice are refused', (t) => {
  const dir = tempDir(t);
  // row 0 lists its duplicate 1 first (faiss breaks ties either way): reordered
  const ok = { n: 3, k: 2, indices: Int32Array.of(1, 0, 2, 1, 0, 2, 2, 0, 1), sims: Float32Array.of(1, 1, 0.5, 1, 1, 0.5, 1, 0.5, 0.5) };
  // bypass validation by writing the archive directly
  writeKnn(join(dir, 'g.npz'), ok);
  assert.deepEqual(Array.from(readKnn(join(dir, 'g.npz')).indices), [0, 1, 2, 1, 0, 2, 2, 0, 1]);
  // row 1 does not list itself at all
  writeKnn(join(dir, 'absent.npz'), { ...ok, indices: Int32Array.of(0, 1, 2, 0, 2, 2, 2, 0, 1) });
  assert.throws(() => readKnn(join(dir, 'absent.npz')), isError(/row 1 does not list face 1 itself/, 'BAD_VALUE'));
  // row 2 lists face 0 twice
  writeKnn(join(dir, 'twice.npz'), { ...ok, indices: Int32Array.of(0, 1, 2, 1, 0, 2, 2, 0, 0) });
  assert.throws(() => readKnn(join(dir, 'twice.npz')), isError(/row 2 lists 0 twice/, 'BAD_VALUE'));
});

test('kNN graphs with bad rows are refused with the row named', (t) => {
  const dir = tempDir(t);
  writeNpy(join(dir, 'self.npy'), Int32Array.of(0, 1, 0, 1), [2, 2], 'i8');
  assert.throws(() => readKnn(join(dir, 'self.npy')), isError(/row 1 does not start with itself/, 'BAD_VALUE'));
  writeNpy(join(dir, 'range.npy'), Int32Array.of(0, 1, 1, 5), [2, 2], 'i8');
  assert.throws(() => readKnn(join(dir, 'range.npy')), isError(/row 1, column 1: index 5 is out of range \[0, 2\)/));
  writeNpy(join(dir, 'shape.npy'), Int32Array.of(0, 1), [2], 'i8');
  assert.throws(() => readKnn(join(dir, 'shape.npy')), isError(/must be N×\(K\+1\)/, 'SHAPE_MISMATCH'));
  writeFileSync(join(dir, 'zip.npz'), 'PK not really a zip');
  assert.throws(() => readKnn(join(dir, 'zip.npz')), isError(/not a readable zip archive/, 'BAD_FILE'));
  assert.throws(() => readKnn(join(dir, 'g.txt')), isError(/cannot tell the format/, 'UNSUPPORTED'));
});

test('features: .npy and .bin, with NaN, width and extension checks', (t) => {
  const dir = tempDir(t);
  const f = { n: 2, dim: 3, data: Float32Array.of(1, 2, 3, 4, 5, 6) };
  writeFeatures(join(dir, 'f.npy'), f);
  writeFeatures(join(dir, 'f.bin'), f);
  assert.deepEqual(readFeatures(join(dir, 'f.npy')), f);
  assert.deepEqual(readFeatures(join(dir, 'f.bin'), { dim: 3 }), f);
  assert.throws(() => readFeatures(join(dir, 'f.bin')), isError(/need their row width \(dim\)/, 'BAD_OPTION'));
  assert.throws(() => readFeatures(join(dir, 'f.bin'), { dim: 4 }), isError(/not a whole number of 4-d float32 rows/));
  writeNpy(join(dir, 'nan.npy'), Float32Array.of(1, NaN, 3, 4), [2, 2], 'f4');
  assert.throws(() => readFeatures(join(dir, 'nan.npy')), isError(/row 0, column 1 is NaN/, 'BAD_VALUE'));
  writeNpy(join(dir, 'inf.npy'), Float32Array.of(1, 2, 3, -Infinity), [2, 2], 'f4');
  assert.throws(() => readFeatures(join(dir, 'inf.npy')), isError(/row 1, column 1 is -Infinity/));
  writeNpy(join(dir, 'int.npy'), Int32Array.of(1, 2), [1, 2], 'i4');
  assert.throws(() => readFeatures(join(dir, 'int.npy')), isError(/must be floating point/));
  writeNpy(join(dir, 'one.npy'), Float32Array.of(1, 2), [2], 'f4');
  assert.throws(() => readFeatures(join(dir, 'one.npy')), isError(/must be 2-D/, 'SHAPE_MISMATCH'));
  writeNpy(join(dir, 'none.npy'), new Float32Array(0), [0, 4], 'f4');
  assert.throws(() => readFeatures(join(dir, 'none.npy')), isError(/no faces/));
});

test('labels: .npy (N or N×1) and .meta', (t) => {
  const dir = tempDir(t);
  const labels = Int32Array.of(3, -1, 3, 7);
  writeLabels(join(dir, 'l.npy'), labels);
  writeLabels(join(dir, 'l.meta'), labels);
  assert.deepEqual(readLabels(join(dir, 'l.npy')), labels);
  assert.deepEqual(readLabels(join(dir, 'l.meta')), labels);
  writeNpy(join(dir, 'col.npy'), labels, [4, 1], 'i4');
  assert.deepEqual(readLabels(join(dir, 'col.npy')), labels);
  writeFileSync(join(dir, 'bad.meta'), '1\n2\nthree\n');
  assert.throws(() => readLabels(join(dir, 'bad.meta')), isError(/line 3 \('three'\) is not a 32-bit integer label/));
  writeNpy(join(dir, 'float.npy'), Float32Array.of(1.5), [1], 'f4');
  assert.throws(() => readLabels(join(dir, 'float.npy')), isError(/expected integers/));
});
