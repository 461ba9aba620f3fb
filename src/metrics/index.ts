/**
 * Clustering metrics, as pure functions of two labelings:
 * - B-Cubed (Bagga & Baldwin 1998): P = Σ_ij n_ij² / |pred_j| / N, R = Σ_ij n_ij² / |true_i| / N;
 * - pairwise (learn-to-cluster's fast form): tk = Σ n_ij² − N, pk = Σ_j |pred_j|² − N,
 *   qk = Σ_i |true_i|² − N, P = tk / pk, R = tk / qk (0/0 counts as 1: no pairs, none wrong);
 * - NMI = MI / mean(H(true), H(pred)), arithmetic as scikit-learn ≥ 0.22, or geometric as the
 *   seed's era used; two one-cluster labelings score 1, as in scikit-learn;
 * where n_ij counts faces of true identity i in predicted cluster j.
 */
import { fail } from '../errors.js';
import { clusterSizes, relabelByFirstMember } from '../labels.js';
import type { ScoredEdges } from '../types.js';

export interface PRF {
  precision: number;
  recall: number;
  f: number;
}

export interface ClusterMetrics {
  n: number;
  clusters: number;
  bcubed: PRF;
  pairwise: PRF;
  nmi: number;
  nmi_geometric: number;
}

export interface Evaluation extends ClusterMetrics {
  /** The same metrics over the faces that are not alone in their predicted cluster. */
  without_singletons: ClusterMetrics;
}

function prf(precision: number, recall: number): PRF {
  return { precision, recall, f: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Labels remapped to 0..C−1, and the size of each class. */
function dense(labels: ArrayLike<number>): { ids: Int32Array; sizes: number[] } {
  const ids = relabelByFirstMember(labels);
  return { ids, sizes: clusterSizes(ids) };
}

interface Contingency {
  n: number;
  trueSizes: number[];
  predSizes: number[];
  /** non-zero cells: true class, predicted cluster, count */
  cells: { t: number; p: number; c: number }[];
}

function contingency(truth: ArrayLike<number>, pred: ArrayLike<number>): Contingency {
  const t = dense(truth);
  const p = dense(pred);
  const counts = new Map<number, number>();
  const np = p.sizes.length;
  for (let i = 0; i < truth.length; i++) {
    const key = t.ids[i]! * np + p.ids[i]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const cells = [...counts].map(([key, c]) => ({ t: Math.floor(key / np), p: key % np, c }));
  return { n: truth.length, trueSizes: t.sizes, predSizes: p.sizes, cells };
}

/** Entropy of a partition from its class sizes (each at least 1, as dense() counts them). */
function entropy(sizes: number[], n: number): number {
  let h = 0;
  for (const s of sizes) h -= (s / n) * (Math.log(s) - Math.log(n));
  return h;
}

function nmiFrom(c: Contingency, average: 'arithmetic' | 'geometric'): number {
  const { n, trueSizes, predSizes } = c;
  if ((trueSizes.length === 1 && predSizes.length === 1) || n === 0) return 1;
  let mi = 0;
  for (const { t, p, c: nij } of c.cells) {
    mi += (nij / n) * (Math.log(nij) + Math.log(n) - Math.log(trueSizes[t]!) - Math.log(predSizes[p]!));
  }
  mi = Math.max(0, mi);
  if (mi === 0) return 0;
  const ht = entropy(trueSizes, n);
  const hp = entropy(predSizes, n);
  return mi / (average === 'arithmetic' ? (ht + hp) / 2 : Math.sqrt(ht * hp));
}

function metricsFrom(c: Contingency): ClusterMetrics {
  const { n } = c;
  let bp = 0, br = 0, tk = 0;
  for (const { t, p, c: nij } of c.cells) {
    bp += (nij * nij) / c.predSizes[p]!;
    br += (nij * nij) / c.trueSizes[t]!;
    tk += nij * nij;
  }
  const sq = (xs: number[]) => xs.reduce((s, x) => s + x * x, 0);
  const pk = sq(c.predSizes) - n;
  const qk = sq(c.trueSizes) - n;
  tk -= n;
  return {
    n,
    clusters: c.predSizes.length,
    bcubed: n === 0 ? prf(0, 0) : prf(bp / n, br / n),
    pairwise: prf(pk === 0 ? 1 : tk / pk, qk === 0 ? 1 : tk / qk),
    nmi: nmiFrom(c, 'arithmetic'),
    nmi_geometric: nmiFrom(c, 'geometric'),
  };
}

export function clusterMetrics(truth: ArrayLike<number>, pred: ArrayLike<number>): ClusterMetrics {
  if (truth.length !== pred.length) fail('SHAPE_MISMATCH', `labels have ${truth.length} entries but predictions have ${pred.length}`);
  return metricsFrom(contingency(truth, pred));
}

/** All metrics, then again over the faces whose predicted cluster has more than one member. */
export function evaluate(truth: ArrayLike<number>, pred: ArrayLike<number>): Evaluation {
  const all = clusterMetrics(truth, pred);
  const sizes = dense(pred);
  const keepT: number[] = [], keepP: number[] = [];
  for (let i = 0; i < pred.length; i++) {
    if (sizes.sizes[sizes.ids[i]!]! > 1) {
      keepT.push(truth[i]!);
      keepP.push(pred[i]!);
    }
  }
  return { ...all, without_singletons: clusterMetrics(keepT, keepP) };
}

export interface EdgeMetrics extends PRF {
  accuracy: number;
  edges: number;
  /** Fraction of edges whose two faces share an identity. */
  positiveRate: number;
}

/** Link prediction quality: an edge is predicted positive when its score exceeds `threshold`. */
export function edgeMetrics(edges: ScoredEdges, truth: ArrayLike<number>, threshold: number): EdgeMetrics {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let e = 0; e < edges.src.length; e++) {
    const same = truth[edges.src[e]!] === truth[edges.dst[e]!];
    const predicted = edges.score[e]! > threshold;
    if (predicted && same) tp++;
    else if (predicted) fp++;
    else if (same) fn++;
    else tn++;
  }
  const m = edges.src.length;
  return {
    ...prf(tp + fp === 0 ? 1 : tp / (tp + fp), tp + fn === 0 ? 1 : tp / (tp + fn)),
    accuracy: m === 0 ? 0 : (tp + tn) / m,
    edges: m,
    positiveRate: m === 0 ? 0 : (tp + fn) / m,
  };
}
export { retrieval, type Retrieval } from './retrieval.js';
export { newFaceScores, type NewFaceScores } from './new-faces.js';
