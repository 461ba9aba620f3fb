import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { earlyStopEdges, estimateLinkThreshold, neighbourProbabilities } from '../../src/cluster/index.js';
import { FaceclusterError } from '../../src/errors.js';
import { buildKnn } from '../../src/knn/index.js';
import { syntheticFaces } from '../../src/synthetic/index.js';
import { readFeatures, readLabels } from '../../src/io/formats.js';
import { evaluate } from '../../src/metrics/index.js';
import { clusterFaces } from '../../src/pipeline/index.js';
import { SHARED } from '../helpers.js';

test('the automatic link threshold misplaces few more links than the best threshold would, at two cosine scales', async () => {
  for (const [dim, noise] of [[128, 0.6], [512, 1.2]] as const) {
    const { features, labels } = syntheticFaces({ n: 1500, dim, seed: 2, noise });
    const knn = await buildKnn(features, { k: 10, normalized: true });
    // the share of the 3 nearest links on the wrong side of a threshold
    const misplaced = (t: number) => {
      let wrong = 0;
      for (let i = 0; i < knn.n; i++) for (let j = 1; j <= 3; j++) if ((labels[i] === labels[knn.indices[i * 11 + j]!]) !== knn.sims![i * 11 + j]! >= t) wrong++;
      return wrong / (3 * knn.n);
    };
    let best = 1, bestT = 0;
    for (let t = -1; t <= 1; t += 0.005) if (misplaced(t) < best) { best = misplaced(t); bestT = t; }
    const t = estimateLinkThreshold(features, knn).threshold;
    assert.ok(misplaced(t) < best + 0.05, `${dim}-d: threshold ${t.toFixed(3)} misplaces ${(100 * misplaced(t)).toFixed(1)} % of the links, ${bestT.toFixed(3)} ${(100 * best).toFixed(1)} %`);
  }
});

test('FC-ES: neighbour probabilities and early stop, worked by hand', () => {
  // 4 faces, K = 2; rows list self first
  const knn = { n: 4, k: 2, indices: Int32Array.of(0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 2, 1), sims: Float32Array.of(1, 0.9, 0.5, 1, 0.9, 0.6, 1, 0.6, 0.5, 1, 0.2, 0.1) };
  const sigma = 0.5;
  const p = neighbourProbabilities(knn, { sigma });
  const soft = (sims: number[]) => { const e = sims.map((s) => Math.exp(-(2 - 2 * s) / sigma)); const z = e.reduce((a, b) => a + b); return e.map((x) => x / z); };
  const sims = Array.from(knn.sims);
  const rows = [0, 1, 2, 3].map((i) => soft(sims.slice(3 * i, 3 * i + 3)));
  rows.flat().forEach((x, i) => assert.ok(Math.abs(p[i]! - x) < 1e-12));
  // nep(0, 1): rows {0, 1, 2} and {1, 0, 2} share all three faces
  const nep01 = ((rows[0]![0]! + rows[1]![1]!) + (rows[0]![1]! + rows[1]![0]!) + (rows[0]![2]! + rows[1]![2]!)) / 2;
  assert.ok(Math.abs(nep01 - 1) < 1e-12);
  // nep(3, 2): rows {3, 2, 1} and {2, 1, 0} share 2 and 1
  const nep32 = ((rows[3]![1]! + rows[2]![0]!) + (rows[3]![2]! + rows[2]![1]!)) / 2;
  const all = earlyStopEdges(knn, { sigma, theta: 0 });
  const got = new Map<string, number>();
  for (let e = 0; e < all.src.length; e++) got.set(`${all.src[e]}-${all.dst[e]}`, all.score[e]!);
  assert.ok(Math.abs(got.get('0-1')! - nep01) < 1e-12);
  assert.ok(Math.abs(got.get('3-2')! - nep32) < 1e-12);
  // early stop: face 3's first neighbour (2) is below θ, so its farther neighbour 1 is not linked even if it were above
  const stopped = earlyStopEdges(knn, { sigma, theta: nep32 + 1e-9 });
  for (let e = 0; e < stopped.src.length; e++) assert.notEqual(stopped.src[e], 3);
  assert.throws(() => earlyStopEdges(knn, { theta: 2 }), FaceclusterError);
  // a row whose farther neighbour shares more than its nearer one: face 3's row {3, 2, 1} and
  // face 1's row {1, 3, 2} share every face (3's own mass included), face 2's row {2, 0, 1} two
  const farther = { n: 4, k: 2, indices: Int32Array.of(0, 2, 1, 1, 3, 2, 2, 0, 1, 3, 2, 1), sims: Float32Array.of(1, 0.5, 0.4, 1, 0.95, 0.9, 1, 0.6, 0.5, 1, 0.2, 0.19) };
  const every = earlyStopEdges(farther, { sigma, theta: 0 });
  const nep = (a: number, b: number) => every.score[[...every.src].findIndex((s, e) => s === a && every.dst[e] === b)]!;
  assert.ok(nep(3, 1) > nep(3, 2), `${nep(3, 1)} against ${nep(3, 2)}`);
  // θ between them: the walk stops at neighbour 2 and never reaches 1, though 1 is above θ
  const walked = earlyStopEdges(farther, { sigma, theta: (nep(3, 1) + nep(3, 2)) / 2 });
  assert.deepEqual([...walked.src].filter((s) => s === 3), []);
});

test("a family-like collection (lfw-train's 6 most photographed people, 412 photos) is not split into near-duplicates", async () => {
  const f = readFeatures(join(SHARED, 'data/lfw-train.feats.npy')), l = readLabels(join(SHARED, 'data/lfw-train.labels.npy'));
  const byPerson = new Map<number, number[]>();
  l.forEach((x, i) => byPerson.set(x, [...(byPerson.get(x) ?? []), i]));
  const rows = [...byPerson.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!).slice(0, 6).flat();
  const data = new Float32Array(rows.length * f.dim);
  rows.forEach((r, i) => data.set(f.data.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
  const r = await clusterFaces({ n: rows.length, dim: f.dim, data });
  const ev = evaluate(Int32Array.from(rows, (x) => l[x]!), r.labels);
  // a face's 10 nearest are all its own person here: the split must come from more neighbours
  assert.ok(ev.bcubed.f > 0.95 && ev.pairwise.f > 0.95, `B-Cubed F ${ev.bcubed.f}, pairwise F ${ev.pairwise.f} at threshold ${r.threshold}`);
});
