import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures, readLabels } from '../../src/io/index.js';
import { buildKnn, buildKnnRows, knnMethodFor, knnRecall, l2Normalize, loadHnswIndex, HNSW_CROSSOVER } from '../../src/knn/index.js';
import { evaluate } from '../../src/metrics/index.js';
import { clusterFaces } from '../../src/pipeline/cluster.js';
import { assignFaces } from '../../src/pipeline/assign.js';
import { syntheticFaces } from '../../src/synthetic/index.js';
import type { KnnGraph } from '../../src/types.js';
import { ROOT, randomMatrix, tempDir } from '../helpers.js';

const lfwTest = () => readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));

/** Recall of graph rows against exact rows, counted directly over every face (columns 1..K). */
function fullRecall(got: KnnGraph, exact: KnnGraph): number {
  const w = got.k + 1;
  let found = 0;
  for (let i = 0; i < got.n; i++) {
    const listed = new Set(got.indices.subarray(i * w + 1, (i + 1) * w));
    for (let j = 1; j < w; j++) if (listed.has(exact.indices[i * w + j]!)) found++;
  }
  return found / (got.n * got.k);
}

test('HNSW rows are laid out as exact ones: self first, float32 cosines, decreasing, ties by index', async () => {
  const f = { n: 600, dim: 24, data: randomMatrix(600, 24, 4) };
  const unit = l2Normalize(f);
  const k = 12;
  const knn = await buildKnn(f, { k, method: 'hnsw' });
  const w = k + 1;
  for (let i = 0; i < f.n; i++) {
    assert.equal(knn.indices[i * w], i);
    assert.equal(new Set(knn.indices.subarray(i * w, (i + 1) * w)).size, w, `row ${i} lists a face twice`);
    for (let j = 0; j < w; j++) {
      const b = knn.indices[i * w + j]!;
      let s = 0;
      for (let t = 0; t < f.dim; t++) s += unit.data[i * f.dim + t]! * unit.data[b * f.dim + t]!;
      assert.ok(Math.abs(s - knn.sims![i * w + j]!) < 1e-6, `row ${i} col ${j}: the similarity is recomputed in float32`);
      if (j >= 2) {
        const prev = knn.sims![i * w + j - 1]!, cur = knn.sims![i * w + j]!;
        assert.ok(prev > cur || (prev === cur && knn.indices[i * w + j - 1]! < b), `row ${i} is sorted`);
      }
    }
  }
});

test('knnRecall counts what a graph misses: 1 for exact rows, (K − 1)/K with one neighbour replaced in every row', async () => {
  const f = { n: 300, dim: 8, data: randomMatrix(300, 8, 6) };
  const k = 10, w = k + 1;
  const exact = await buildKnn(f, { k, method: 'exact' });
  assert.equal((await knnRecall(f, exact, { queries: 300 })).recall, 1);
  // swap each row's 3rd neighbour for a face that is not among its K + 1 nearest
  const damaged = { ...exact, indices: exact.indices.slice() };
  for (let i = 0; i < f.n; i++) {
    const row = new Set(exact.indices.subarray(i * w, (i + 1) * w));
    let other = 0;
    while (row.has(other)) other++;
    damaged.indices[i * w + 3] = other;
  }
  const r = await knnRecall(f, damaged, { queries: 120, seed: 3 });
  assert.equal(r.queries, 120);
  assert.ok(Math.abs(r.recall - (k - 1) / k) < 1e-12, `recall ${r.recall}`);
});

test('default HNSW settings reach recall@80 ≥ 0.95 on lfw-test and on 512-d synthetic faces, against a full exact graph', async () => {
  const synthetic = syntheticFaces({ n: 6000, dim: 512, seed: 5 }).features;
  for (const [name, f] of [['lfw-test', lfwTest()], ['synthetic 512-d', synthetic]] as const) {
    const exact = await buildKnn(f, { k: 80, method: 'exact' });
    const approx = await buildKnn(f, { k: 80, method: 'hnsw' });
    const full = fullRecall(approx, exact);
    assert.ok(full >= 0.95, `${name}: recall@80 ${full}`);
    // the sampled estimate agrees with the full count
    const sampled = (await knnRecall(f, approx, { queries: 1000 })).recall;
    assert.ok(Math.abs(sampled - full) < 0.01, `${name}: sampled ${sampled} vs full ${full}`);
  }
});

test('clustering lfw-test over the HNSW graph scores within 0.005 B-Cubed F of the exact graph', async () => {
  const f = lfwTest();
  const truth = readLabels(join(ROOT, 'data/lfw-test.labels.npy'));
  const exact = evaluate(truth, (await clusterFaces(f, { knnSearch: { method: 'exact' } })).labels).bcubed.f;
  const approx = evaluate(truth, (await clusterFaces(f, { knnSearch: { method: 'hnsw' } })).labels).bcubed.f;
  assert.ok(Math.abs(exact - approx) <= 0.005, `exact ${exact}, hnsw ${approx}`);
});

test('a saved index takes new faces: their rows match exact search, and it refuses a collection of another size or width', async (t) => {
  const dir = tempDir(t);
  const f = l2Normalize(syntheticFaces({ n: 3000, dim: 64, seed: 8 }).features);
  const old = 2500, k = 20, w = k + 1;
  const path = join(dir, 'old.usearch');
  await buildKnn({ n: old, dim: f.dim, data: f.data.subarray(0, old * f.dim) }, { k, normalized: true, method: 'hnsw', indexOut: path });
  const index = loadHnswIndex(path, f.dim, old);
  const rows = await buildKnnRows(f, old, { k, normalized: true, index });
  assert.equal(index.size(), f.n, 'the new faces were added to the index');
  const exact = await buildKnnRows(f, old, { k, normalized: true, method: 'exact' });
  let found = 0;
  for (let i = 0; i < f.n - old; i++) {
    assert.equal(rows.indices[i * w], old + i);
    const listed = new Set(rows.indices.subarray(i * w + 1, (i + 1) * w));
    for (let j = 1; j < w; j++) if (listed.has(exact.indices[i * w + j]!)) found++;
  }
  assert.ok(found / ((f.n - old) * k) >= 0.95, `new rows' recall ${found / ((f.n - old) * k)}`);
  assert.throws(() => loadHnswIndex(path, f.dim, old + 1), /old.usearch: the index holds 2500 faces, the features have 2501/);
  assert.throws(() => loadHnswIndex(path, 32, old), /old.usearch/);
  assert.throws(() => loadHnswIndex(join(dir, 'missing.usearch'), f.dim, old), /missing.usearch/);
});

test('auto picks exact below the measured crossover and HNSW above it; an index means HNSW', () => {
  const at512 = Math.sqrt(HNSW_CROSSOVER / 512);
  assert.equal(knnMethodFor(Math.floor(at512) - 1, 512), 'exact');
  assert.equal(knnMethodFor(Math.ceil(at512), 512), 'hnsw');
  assert.equal(knnMethodFor(Math.ceil(at512), 128), 'exact', 'narrower rows are cheaper to compare exactly');
  assert.equal(knnMethodFor(100, 512, { method: 'hnsw' }), 'hnsw');
  assert.equal(knnMethodFor(100, 512, { indexOut: 'x.usearch' }), 'hnsw');
  assert.throws(() => knnMethodFor(100, 512, { method: 'exact', indexOut: 'x.usearch' }), /method is exact/);
});

test('assign with the old faces\' saved index places new faces as assign with exact search does', async (t) => {
  const dir = tempDir(t);
  const all = l2Normalize(lfwTest());
  const old = 6000;
  const oldFeatures = { n: old, dim: all.dim, data: all.data.subarray(0, old * all.dim) };
  const path = join(dir, 'old.usearch');
  const { labels, knn } = await clusterFaces(oldFeatures, { normalized: true, knnSearch: { method: 'hnsw', indexOut: path } });
  const exact = await assignFaces(all, labels, knn, { normalized: true, knnSearch: { method: 'exact' } });
  const index = loadHnswIndex(path, all.dim, old);
  const approx = await assignFaces(all, labels, knn, { normalized: true, index });
  // the new faces' partitions compared (cluster numbers differ: new clusters are numbered in
  // order of appearance). The index is built on several threads, so it differs run to run:
  // 12 runs gave B-Cubed F 0.970 to 1.000 (11 of them 0.9995 or more)
  const ev = evaluate(exact.labels.subarray(old), approx.labels.subarray(old));
  t.diagnostic(`new faces: B-Cubed F ${ev.bcubed.f.toFixed(4)}, pairwise F ${ev.pairwise.f.toFixed(4)} against assign with exact search`);
  assert.ok(ev.bcubed.f >= 0.95, `new faces placed unlike exact search: B-Cubed F ${ev.bcubed.f}`);
  assert.deepEqual(approx.labels.subarray(0, old), labels, 'old faces keep their clusters');
});

test('an HNSW graph built on one thread is the same graph run to run (the README\'s determinism claim)', async () => {
  const f = { n: 3000, dim: 32, data: randomMatrix(3000, 32, 9) };
  const [a, b] = [await buildKnn(f, { k: 20, method: 'hnsw', hnsw: { threads: 1 } }), await buildKnn(f, { k: 20, method: 'hnsw', hnsw: { threads: 1 } })];
  assert.deepEqual(a.indices, b.indices);
  assert.deepEqual(a.sims, b.sims);
});
