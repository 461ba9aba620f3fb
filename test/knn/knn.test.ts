import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { buildKnn, buildKnnRows, l2Normalize, withSimilarities } from '../../src/knn/index.js';
import type { Features } from '../../src/types.js';
import { randomMatrix } from '../helpers.js';

/** The test oracle: every similarity, sorted by (−similarity, index), self moved to the front. */
function bruteForce(f: Features, k: number): { indices: number[][]; sims: number[][] } {
  const u = l2Normalize(f);
  const indices: number[][] = [], sims: number[][] = [];
  for (let i = 0; i < f.n; i++) {
    const all = Array.from({ length: f.n }, (_, j) => {
      let s = 0;
      for (let d = 0; d < f.dim; d++) s += u.data[i * f.dim + d]! * u.data[j * f.dim + d]!;
      return { j, s };
    }).filter((x) => x.j !== i).sort((a, b) => b.s - a.s || a.j - b.j).slice(0, k);
    indices.push([i, ...all.map((x) => x.j)]);
    sims.push([1, ...all.map((x) => x.s)]);
  }
  return { indices, sims };
}

test('matches brute force on random rows, across several row and column blocks', async () => {
  const f = { n: 300, dim: 16, data: randomMatrix(300, 16, 1) };
  const k = 10;
  const want = bruteForce(f, k);
  // a tiny tile forces 16-row blocks; small column blocks (k + 1, 37, 64) force merging each
  // row's top K across 4–28 column blocks, with remainders
  for (const [tileElements, columnBlock] of [[undefined, undefined], [16 * 64, undefined], [16 * 64, 11], [undefined, 37], [16 * 64, 64]]) {
    const got = await buildKnn(f, { k, ...(tileElements ? { tileElements } : {}), ...(columnBlock ? { columnBlock } : {}) });
    for (let i = 0; i < f.n; i++) {
      const row = Array.from(got.indices.subarray(i * (k + 1), (i + 1) * (k + 1)));
      const sims = Array.from(got.sims!.subarray(i * (k + 1), (i + 1) * (k + 1)));
      sims.forEach((s, j) => { assert.ok(Math.abs(s - want.sims[i]![j]!) < 1e-5, `row ${i} col ${j}`); });
      // where float rounding could swap near-ties, compare the sets; elsewhere the order
      row.forEach((x, j) => {
        if (x !== want.indices[i]![j]) assert.ok(Math.abs(sims[j]! - want.sims[i]![j]!) < 1e-5 && want.indices[i]!.includes(x), `row ${i}`);
      });
    }
  }
});

test('self first even among exact duplicates; ties go to the lower index', async () => {
  // rows 0..3 are the same vector; row 4 is different
  const v = [1, 2, 3];
  const f = { n: 5, dim: 3, data: Float32Array.of(...v, ...v, ...v, ...v, 3, 2, 1) };
  const got = await buildKnn(f, { k: 2 });
  assert.deepEqual(Array.from(got.indices), [0, 1, 2, 1, 0, 2, 2, 0, 1, 3, 0, 1, 4, 0, 1]);
  assert.ok(Math.abs(got.sims![0]! - 1) < 1e-6);
});

test('scale does not matter; already-unit rows can skip normalisation', async () => {
  const data = randomMatrix(50, 8, 3);
  const a = await buildKnn({ n: 50, dim: 8, data }, { k: 5 });
  const scaled = await buildKnn({ n: 50, dim: 8, data: data.map((x, i) => x * (1 + (Math.floor(i / 8) % 7))) }, { k: 5 });
  assert.deepEqual(scaled.indices, a.indices);
  const unit = l2Normalize({ n: 50, dim: 8, data });
  assert.deepEqual((await buildKnn(unit, { k: 5, normalized: true })).indices, a.indices);
});

test('refuses k ≥ N, k < 1 and zero rows', async () => {
  const f = { n: 4, dim: 2, data: Float32Array.of(1, 0, 0, 1, 1, 1, 0, 0) };
  await assert.rejects(buildKnn(f, { k: 4 }), (e: unknown) => e instanceof FaceclusterError && /larger than N − 1 = 3/.test(e.message));
  await assert.rejects(buildKnn(f, { k: 0 }), /positive integer/);
  await assert.rejects(buildKnn(f, { k: 2 }), /row 3 is a zero vector/);
});

test('progress reaches the total', async () => {
  const seen: number[] = [];
  await buildKnn({ n: 40, dim: 4, data: randomMatrix(40, 4, 9) }, { k: 3, tileElements: 16 * 40, onProgress: (d, t) => { assert.equal(t,
    40); seen.push(d); } });
  assert.deepEqual(seen, [16, 32, 40]);
});

test('buildKnnRows: a block of rows (count) is those rows of the whole search; a block outside the faces is refused', async () => {
  const f = { n: 300, dim: 16, data: randomMatrix(300, 16, 41) };
  const block = await buildKnnRows(f, 150, { k: 7, method: 'exact', count: 50 });
  const truth = bruteForce(f, 7);
  assert.equal(block.indices.length, 50 * 8);
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(Array.from(block.indices.subarray(i * 8, (i + 1) * 8)), truth.indices[150 + i]);
    truth.sims[150 + i]!.forEach((s, j) => { assert.ok(Math.abs(block.sims[i * 8 + j]! - s) < 1e-5); });
  }
  await assert.rejects(buildKnnRows(f, 280, { k: 7, method: 'exact', count: 30 }), /rows 280\.\.309 are not among the 300 faces/);
  await assert.rejects(buildKnnRows(f, 100, { k: 7, method: 'hnsw', count: 10 }), /a count of rows is for exact search/);
});

test('withSimilarities: a graph with similarities is returned as it is; one without gets the cosines its rows give', async () => {
  const unit = l2Normalize({ n: 30, dim: 8, data: randomMatrix(30, 8, 3) });
  const knn = await buildKnn(unit, { k: 5, normalized: true });
  assert.equal(withSimilarities(knn, unit), knn);
  const computed = withSimilarities({ n: knn.n, k: knn.k, indices: knn.indices }, unit);
  assert.deepEqual([...computed.indices], [...knn.indices]);
  computed.sims.forEach((s, i) => {
    assert.ok(Math.abs(s - knn.sims![i]!) < 1e-5, `similarity ${i}`);
  });
});
