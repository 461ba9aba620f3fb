/**
 * A link threshold read off the collection itself, so that no cosine scale of one descriptor
 * model is built in: among each face's 3 nearest neighbours, the links to the same person and
 * to others form two groups of similarities, and Otsu's method (Otsu, "A threshold selection
 * method from gray-level histograms", 1979) splits the histogram where the variance between
 * its two sides is largest. On face-api descriptors of lfw-train it lands within 0.01 of the
 * best fixed threshold there (0.95); on 512-d synthetic faces, whose same-person cosines sit
 * near 0.5, it lands near their best too. More neighbours suit collections of large identities
 * and fewer suit LFW's many small ones; 3 was the best compromise over both (models/README.md).
 */
import { fail } from '../errors.js';
import type { KnnGraph } from '../types.js';

export const AUTO_THRESHOLD_DEFAULTS = Object.freeze({ neighbours: 3, bins: 256 });

/** Otsu's threshold of `values` over `bins` equal bins between their extremes; the midpoint when all are equal. */
export function otsuThreshold(values: ArrayLike<number>, bins: number = AUTO_THRESHOLD_DEFAULTS.bins): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) fail('BAD_VALUE', `value ${i} is ${v}`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) fail('BAD_VALUE', 'no values to threshold');
  if (hi === lo) return lo;
  const histogram = new Float64Array(bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) histogram[Math.min(bins - 1, Math.floor((values[i]! - lo) / width))]! += 1;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * histogram[b]!;
  const total = values.length;
  let below = 0, sumBelow = 0, best = -1, cut = 1;
  for (let b = 0; b < bins - 1; b++) {
    below += histogram[b]!;
    sumBelow += b * histogram[b]!;
    if (below === 0 || below === total) continue;
    const meanBelow = sumBelow / below, meanAbove = (sumAll - sumBelow) / (total - below);
    const between = below * (total - below) * (meanBelow - meanAbove) ** 2;
    if (between > best) { best = between; cut = b + 1; }
  }
  return lo + cut * width;
}

/** Otsu's threshold of the similarities of every face to its `neighbours` nearest (self excluded). */
export function autoThreshold(knn: KnnGraph, neighbours: number = AUTO_THRESHOLD_DEFAULTS.neighbours): number {
  const { n, k, sims } = knn;
  if (!sims) fail('BAD_VALUE', 'the kNN graph has no similarities');
  const use = Math.min(neighbours, k);
  if (use < 1 || n < 2) return 1;
  const values = new Float64Array(n * use);
  for (let i = 0; i < n; i++) for (let j = 0; j < use; j++) values[i * use + j] = sims[i * (k + 1) + 1 + j]!;
  return otsuThreshold(values);
}
