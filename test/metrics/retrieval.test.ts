import assert from 'node:assert/strict';
import { test } from 'node:test';
import { l2Normalize } from '../../src/knn/index.js';
import { retrieval } from '../../src/metrics/index.js';
import { randomMatrix, rng } from '../helpers.js';

test('retrieval, worked by hand: 1-NN accuracy over faces with a same-identity partner, best-threshold verification', () => {
  // a and b (identity 0) nearly equal; c (1) near a; d (1) far from all; e (2) alone, left out of 1-NN
  const v = [[1, 0], [0.99, 0.14], [0.95, 0.31], [-0.2, 0.98], [0, -1]];
  const f = l2Normalize({ n: 5, dim: 2, data: Float32Array.from(v.flat()) });
  const r = retrieval(f, [0, 0, 1, 1, 2]);
  assert.equal(r.queries, 4);
  // a→b ✓, b→a ✓, c→b ✗ (its partner d is far), d→c ✓
  assert.equal(r.nnAccuracy, 3 / 4);
  // same pairs: (a,b) 0.990, (c,d) 0.114; different: (b,c) 0.985, (a,c) 0.951, then six below
  // 0.114. At t = 0.114 both same pairs pass and six of eight different ones are refused:
  // ½ (2/2 + 6/8) = 0.875; above 0.985 only ½ (1/2 + 8/8) = 0.75
  assert.ok(Math.abs(r.verification - 0.875) < 1e-9);
  // every threshold between the (a,e) 0 and the (c,d) 0.114 does it; the lowest is taken: the lower edge of the bin above 0's
  assert.ok(Math.abs(r.threshold - ((2 * 1001) / 2000 - 1)) < 1e-12, `${r.threshold}`);
  assert.throws(() => retrieval(f, [0, 0, 1, 1]), /4 labels for 5 faces/);
});

test('retrieval: ties go to the lower index; identical faces count in the top bin; one face or none gives nothing to measure', () => {
  // face 1 is as close to face 0 (its identity) as to face 2 (another), face 3 as close to face 0
  // (another) as to face 2 (its own): the lower index wins both times. Face 0 → 1 ✓, face 1 → 0 ✓,
  // face 2 → 1 ✗, face 3 → 0 ✗
  const f = l2Normalize({ n: 4, dim: 2, data: Float32Array.of(1, 1, 1, 0, 1, -1, -1, 0) });
  assert.equal(retrieval(f, [0, 0, 1, 1]).nnAccuracy, 2 / 4);
  // two identical faces of one person, two of another: cosine exactly 1 lands in the top bin
  const twins = l2Normalize({ n: 4, dim: 2, data: Float32Array.of(1, 0, 1, 0, 0, 1, 0, 1) });
  const t = retrieval(twins, [0, 0, 1, 1], 10);
  assert.deepEqual([t.nnAccuracy, t.verification], [1, 1]);
  assert.ok(t.threshold > 0 && t.threshold <= 0.8, `${t.threshold}`);
  for (const n of [0, 1]) assert.deepEqual(retrieval({ n, dim: 2, data: new Float32Array(2 * n).fill(1) }, new Array(n).fill(0)), { queries: 0, nnAccuracy: 0,
    verification: 0, threshold: -1 });
});

test('retrieval matches brute force on random data', () => {
  const r = rng(3);
  for (let trial = 0; trial < 5; trial++) {
    const n = 60, dim = 8;
    const f = l2Normalize({ n, dim, data: randomMatrix(n, dim, 10 + trial) });
    const labels = Array.from({ length: n }, () => Math.floor(r() * 15));
    const got = retrieval(f, labels, 100_000);
    const sim = (i: number, j: number) => { let s = 0; for (let t = 0; t < dim; t++) s += f.data[i * dim + t]! * f.data[j * dim + t]!; return s; };
    let queries = 0, hits = 0;
    for (let i = 0; i < n; i++) {
      if (labels.filter((l) => l === labels[i]).length < 2) continue;
      queries++;
      let best = -2, at = -1;
      for (let j = 0; j < n; j++) if (j !== i && sim(i, j) > best) { best = sim(i, j); at = j; }
      if (labels[at] === labels[i]) hits++;
    }
    assert.equal(got.queries, queries);
    assert.equal(got.nnAccuracy, hits / queries);
    // verification: every distinct similarity as the threshold
    const pairs: [number, boolean][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([sim(i, j), labels[i] === labels[j]]);
    const same = pairs.filter((p) => p[1]).length, diff = pairs.length - same;
    let best = 0;
    for (const [t] of pairs) {
      const acc = 0.5 * (pairs.filter(([s, y]) => y && s >= t).length / same + pairs.filter(([s, y]) => !y && s < t).length / diff);
      best = Math.max(best, acc);
    }
    assert.ok(Math.abs(got.verification - best) < 0.01, `${got.verification} against ${best}`);
  }
});
