/**
 * How well descriptors tell identities apart, before any clustering:
 * - 1-NN identity accuracy: over the faces whose identity has another face, the share whose
 *   most similar other face (cosine) is of their identity;
 * - pair verification: the best accuracy of one cosine threshold at telling same-identity pairs
 *   from different-identity pairs, each class weighted one half (all pairs; there are far more
 *   different pairs than same ones).
 */
import { fail } from '../errors.js';
import type { Features } from '../types.js';

export interface Retrieval {
  /** Faces whose identity has another face. */
  queries: number;
  nnAccuracy: number;
  verification: number;
  /** The threshold reaching `verification`. */
  threshold: number;
}

/** Cosine of rows i and j of unit rows. */
function dot(data: Float32Array, dim: number, i: number, j: number): number {
  let s = 0;
  for (let t = 0; t < dim; t++) s += data[i * dim + t]! * data[j * dim + t]!;
  return s;
}

/** O(N²·D) over unit-length rows: meant for evaluation sets of thousands of faces. */
export function retrieval(unit: Features, labels: ArrayLike<number>, bins = 2000): Retrieval {
  const { n, dim, data } = unit;
  if (labels.length !== n) fail('SHAPE_MISMATCH', `${labels.length} labels for ${n} faces`);
  const count = new Map<number, number>();
  for (let i = 0; i < n; i++) count.set(labels[i]!, (count.get(labels[i]!) ?? 0) + 1);
  // similarity histograms on [−1, 1] of same and different pairs
  const same = new Float64Array(bins), diff = new Float64Array(bins);
  const best = new Float64Array(n).fill(-Infinity), bestIndex = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = dot(data, dim, i, j);
      const bin = Math.min(bins - 1, Math.max(0, Math.floor(((s + 1) / 2) * bins)));
      if (labels[i] === labels[j]) same[bin]!++; else diff[bin]!++;
      // ties go to the lower index, as everywhere in facecluster
      if (s > best[i]!) { best[i] = s; bestIndex[i] = j; }
      if (s > best[j]!) { best[j] = s; bestIndex[j] = i; }
    }
  }
  let queries = 0, hits = 0;
  for (let i = 0; i < n; i++) {
    if (count.get(labels[i]!)! < 2) continue;
    queries++;
    if (labels[bestIndex[i]!] === labels[i]) hits++;
  }
  const totalSame = same.reduce((a, b) => a + b, 0), totalDiff = diff.reduce((a, b) => a + b, 0);
  // accept pairs at or above the lower edge of bin b: same pairs kept, different pairs refused
  let sameBelow = 0, diffBelow = 0, verification = 0, threshold = -1;
  for (let b = 0; b < bins; b++) {
    const acc = 0.5 * ((totalSame - sameBelow) / (totalSame || 1) + diffBelow / (totalDiff || 1));
    if (acc > verification) { verification = acc; threshold = (2 * b) / bins - 1; }
    sameBelow += same[b]!;
    diffBelow += diff[b]!;
  }
  return { queries, nnAccuracy: queries ? hits / queries : 0, verification, threshold };
}
