/**
 * FC-ES's edge filter (Liu, "Face Clustering via Early Stopping and Edge Recall", 2024),
 * written from the paper: links of a kNN graph weighted by a neighbour-based edge probability,
 * kept per face until the first neighbour that falls below a threshold.
 *
 * - Each face i turns its kNN row (itself included) into probabilities with a softmax of the
 *   squared distances of unit vectors, d = 2 − 2·cos: P_im = exp(−d_im / σ) / Σ_m' exp(−d_im' / σ).
 * - The neighbour-based edge probability of i and its neighbour j is the probability mass
 *   their rows share: nep_ij = ½ Σ_{m ∈ N_i ∩ N_j} (P_im + P_jm). It is in [0, 1], is high only
 *   where both faces see the same neighbourhood, and does not depend on where one descriptor
 *   model puts its cosines as a plain threshold does.
 * - Early stop: i's neighbours are walked in kNN order and linked while nep ≥ θ; the first
 *   one below θ ends the row (farther neighbours are not trusted even when their nep is high).
 *
 * NOTE: σ is relative to the spread of distances within a row: the FC-ES paper fixed it for
 * ArcFace-like descriptors (σ = 0.5); `sigma: 'auto'` scales it by each row's mean distance
 * instead, so that models whose same-identity cosines sit at 0.95 or at 0.5 get comparable
 * probabilities (models/README.md has the measurements behind the default).
 */
import { fail } from '../errors.js';
import { similaritiesOf } from '../knn/graph.js';
import type { KnnGraph, ScoredEdges } from '../types.js';

export interface EarlyStopOptions {
  /** Softmax temperature on d = 2 − 2·cos; a number, or 'auto' (default): `sigmaScale` × the row's mean d. */
  sigma?: number | 'auto';
  /** With sigma 'auto', the temperature as a multiple of the row's mean distance. */
  sigmaScale?: number;
  /** Links are kept while nep ≥ θ. */
  theta?: number;
}

export const EARLY_STOP_DEFAULTS = Object.freeze({ sigma: 'auto' as number | 'auto', sigmaScale: 0.5, theta: 0.22 });

/** Row-wise softmax probabilities of the kNN graph (self included), n × (k + 1). */
export function neighbourProbabilities(knn: KnnGraph, options: EarlyStopOptions = {}): Float64Array {
  const o = { ...EARLY_STOP_DEFAULTS, ...options };
  const { n, k } = knn;
  const sims = similaritiesOf(knn);
  const w = k + 1;
  const p = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    const row = i * w;
    // squared distances of the row, kept in p until they become probabilities
    let meanD = 0;
    for (let j = 0; j < w; j++) meanD += (p[row + j] = 2 - 2 * Math.min(1, sims[row + j]!));
    meanD /= Math.max(1, k);
    const sigma = o.sigma === 'auto' ? Math.max(1e-6, o.sigmaScale * meanD) : o.sigma;
    // shifted by the closest (self, d = 0) for stability: exp(−(d − d_self)/σ)
    const dSelf = p[row]!;
    let sum = 0;
    for (let j = 0; j < w; j++) sum += (p[row + j] = Math.exp(-(p[row + j]! - dSelf) / sigma));
    for (let j = 0; j < w; j++) p[row + j]! /= sum;
  }
  return p;
}

/**
 * The links FC-ES keeps: (face, neighbour, nep) for each face's neighbours in kNN order while
 * nep ≥ θ. Faces with no link are left out (they end up alone).
 */
export function earlyStopEdges(knn: KnnGraph, options: EarlyStopOptions = {}): ScoredEdges {
  const o = { ...EARLY_STOP_DEFAULTS, ...options };
  if (!(o.theta >= 0 && o.theta <= 1)) fail('BAD_OPTION', `theta must be in [0, 1], got ${o.theta}`);
  const { n, k, indices } = knn;
  const w = k + 1;
  const p = neighbourProbabilities(knn, o);
  // P_im of the current face i at m, and a mark of which faces are in its row
  const mine = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const src: number[] = [], dst: number[] = [], score: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = i * w;
    for (let j = 0; j < w; j++) { mark[indices[row + j]!] = i; mine[indices[row + j]!] = p[row + j]!; }
    for (let j = 1; j < w; j++) {
      const b = indices[row + j]!;
      if (b === i) continue;
      let shared = 0;
      const rowB = b * w;
      for (let t = 0; t < w; t++) {
        const m = indices[rowB + t]!;
        if (mark[m] === i) shared += mine[m]! + p[rowB + t]!;
      }
      const nep = shared / 2;
      if (nep < o.theta) break;
      src.push(i); dst.push(b); score.push(nep);
    }
  }
  return { src: Int32Array.from(src), dst: Int32Array.from(dst), score: Float64Array.from(score) };
}
