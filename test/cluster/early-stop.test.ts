/** FC-ES (early-stop.ts) by hand: neighbour probabilities and the walk that stops at the first neighbour below θ. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { earlyStopEdges, neighbourProbabilities } from '../../src/cluster/index.js';
import { FaceclusterError } from '../../src/errors.js';

test('FC-ES: neighbour probabilities and early stop, worked by hand', () => {
  // 4 faces, K = 2; rows list self first
  const knn = { n: 4, k: 2, indices: Int32Array.of(0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 2, 1), sims: Float32Array.of(1, 0.9, 0.5, 1, 0.9, 0.6, 1, 0.6, 0.5, 1, 0.2,
    0.1) };
  const sigma = 0.5;
  const p = neighbourProbabilities(knn, { sigma });
  const soft = (sims: number[]) => { const e = sims.map((s) => Math.exp(-(2 - 2 * s) / sigma)); const z = e.reduce((a,
    b) => a + b); return e.map((x) => x / z); };
  const sims = Array.from(knn.sims);
  const rows = [0, 1, 2, 3].map((i) => soft(sims.slice(3 * i, 3 * i + 3)));
  rows.flat().forEach((x, i) => { assert.ok(Math.abs(p[i]! - x) < 1e-12); });
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
  const farther = { n: 4, k: 2, indices: Int32Array.of(0, 2, 1, 1, 3, 2, 2, 0, 1, 3, 2, 1), sims: Float32Array.of(1, 0.5, 0.4, 1, 0.95, 0.9, 1, 0.6, 0.5, 1,
    0.2, 0.19) };
  const every = earlyStopEdges(farther, { sigma, theta: 0 });
  const nep = (a: number, b: number) => every.score[[...every.src].findIndex((s, e) => s === a && every.dst[e] === b)]!;
  assert.ok(nep(3, 1) > nep(3, 2), `${nep(3, 1)} against ${nep(3, 2)}`);
  // θ between them: the walk stops at neighbour 2 and never reaches 1, though 1 is above θ
  const walked = earlyStopEdges(farther, { sigma, theta: (nep(3, 1) + nep(3, 2)) / 2 });
  assert.deepEqual([...walked.src].filter((s) => s === 3), []);
});
