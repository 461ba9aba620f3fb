/**
 * A link threshold read off the collection itself, so that no cosine scale of one descriptor
 * model is built in. Among each face's m nearest neighbours, the links to the same person and
 * to others form two groups of similarities, and Otsu's method (Otsu, "A threshold selection
 * method from gray-level histograms", 1979) splits the histogram where the variance between
 * its two sides is largest. Which m shows both groups depends on how many faces people have
 * (LFW's people mostly have one or two; a family's photos hundreds), so m = 3, 5, 7, 10, 20,
 * 40 and 80 (up to a fifth of the collection) are tried and the split explaining the most
 * variance is kept. On face-api descriptors of
 * lfw-train it lands within 0.01 of the best fixed threshold (0.95); on 512-d synthetic
 * faces, whose same-person cosines sit near 0.5, near their best too (models/README.md).
 */
import { fail } from '../errors.js';
import type { KnnGraph } from '../types.js';

export const AUTO_THRESHOLD_DEFAULTS = Object.freeze({ neighbours: Object.freeze([3, 5, 7, 10, 20, 40, 80]), bins: 256 });

/** The smallest double above x. */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** Otsu's threshold of `values` over `bins` equal bins between their extremes; just above them when all are equal. */
export function otsuThreshold(values: ArrayLike<number>, bins: number = AUTO_THRESHOLD_DEFAULTS.bins): number {
  return otsuSplit(values, bins).threshold;
}

/**
 * Otsu's split and its effectiveness η = σ²_between / σ²_total in [0, 1]: how well two groups
 * explain the values (1: two spikes; low: one hump cut in two).
 */
export function otsuSplit(values: ArrayLike<number>, bins: number = AUTO_THRESHOLD_DEFAULTS.bins): { threshold: number; effectiveness: number } {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) fail('BAD_VALUE', `value ${i} is ${v}`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) fail('BAD_VALUE', 'no values to threshold');
  // all equal: nothing tells two groups apart; the cut goes above them (nothing is linked,
  // the cautious answer: a split person is one merge away, a merged pair must be found first)
  if (hi === lo) return { threshold: nextUp(lo), effectiveness: 0 };
  const histogram = new Float64Array(bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) histogram[Math.min(bins - 1, Math.floor((values[i]! - lo) / width))]! += 1;
  let sumAll = 0, sqAll = 0;
  for (let b = 0; b < bins; b++) { sumAll += b * histogram[b]!; sqAll += b * b * histogram[b]!; }
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
  const totalVariance = sqAll / total - (sumAll / total) ** 2;
  return { threshold: lo + cut * width, effectiveness: totalVariance > 0 ? best / total / total / totalVariance : 0 };
}

/**
 * Otsu's split of the similarities of every face to its m nearest (self excluded), for each m
 * of `neighbours`; the most bimodal split (largest effectiveness) wins: few neighbours where
 * people have few faces, more where they have many.
 */
export function autoThreshold(knn: KnnGraph, neighbours: readonly number[] = AUTO_THRESHOLD_DEFAULTS.neighbours): { threshold: number; neighbours: number; effectiveness: number } {
  const { n, k, sims } = knn;
  if (!sims) fail('BAD_VALUE', 'the kNN graph has no similarities');
  let best = { threshold: 1, neighbours: 0, effectiveness: -1 };
  if (n < 2 || k < 1) return best;
  // a face's "nearest" must stay a small part of the collection: m ≤ N / 5 (the first m always)
  const usable = neighbours.filter((m, i) => i === 0 || m <= n / 5);
  for (const wanted of usable) {
    const m = Math.min(wanted, k);
    const values = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) values[i * m + j] = sims[i * (k + 1) + 1 + j]!;
    const split = otsuSplit(values);
    if (split.effectiveness > best.effectiveness) best = { threshold: split.threshold, neighbours: m, effectiveness: split.effectiveness };
    if (m === k) break;
  }
  return best;
}
