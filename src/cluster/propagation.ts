/**
 * Pseudo-label propagation, the seed's `graph_propagation` (after CDP, Zhan et al. 2018):
 * connected components over all pooled pairs; every component larger than `maxSize` is taken
 * apart again using only pairs whose score reaches a threshold th that starts at the lowest edge
 * score and rises th ← th + (1 − th)·step, until no component is too large.
 *
 * The seed walks sets of Python objects; here each round is a union-find pass over the pairs
 * still inside oversized components, which shrink as th rises. The partition is the same.
 */
import { fail } from '../errors.js';
import { relabelByFirstMember } from '../labels.js';
import type { ScoredEdges } from '../types.js';
import { poolPairs, type PairScores, type Pool } from './pairs.js';
import { UnionFind } from './union-find.js';

export interface PropagationOptions {
  /** Largest cluster left whole (seed: max_sz = 900). */
  maxSize: number;
  /** How far th moves toward 1 each round (seed: 0.6). */
  step: number;
  /** How the two directions of a pair combine (seed: avg). */
  pool: Pool;
  /**
   * Pairs scoring below this are dropped before the first round (seed: none, i.e. 0). The seed
   * joins every linked pair first and splits only components over maxSize, so a collection
   * smaller than maxSize faces would come out as one cluster.
   */
  minScore?: number;
}

export const PROPAGATION_DEFAULTS: Readonly<PropagationOptions> = Object.freeze({ maxSize: 900, step: 0.6, pool: 'avg' });

/** Cluster label of each of `n` nodes, numbered 0, 1, … in order of each cluster's lowest node. */
export function propagate(edges: ScoredEdges, n: number, options: Partial<PropagationOptions> = {}): Int32Array {
  const { maxSize, step, pool, minScore = 0 } = { ...PROPAGATION_DEFAULTS, ...options };
  if (!Number.isInteger(maxSize) || maxSize < 1) fail('BAD_OPTION', `max size must be a positive integer, got ${maxSize}`);
  if (!(step > 0 && step <= 1)) fail('BAD_OPTION', `step must be in (0, 1], got ${step}`);
  if (!Number.isFinite(minScore)) fail('BAD_OPTION', `min score must be a number, got ${minScore}`);
  let pairs = poolPairs(edges, n, pool);
  if (minScore > 0) pairs = keepPairs(pairs, minScore);
  let th = Infinity;
  for (let e = 0; e < edges.score.length; e++) th = Math.min(th, edges.score[e]!);
  return propagatePairs(pairs, n, maxSize, step, Math.max(th, minScore));
}

function keepPairs(p: PairScores, minScore: number): PairScores {
  const keep: number[] = [];
  for (let e = 0; e < p.a.length; e++) if (p.score[e]! >= minScore) keep.push(e);
  return { a: Int32Array.from(keep, (e) => p.a[e]!), b: Int32Array.from(keep, (e) => p.b[e]!), score: Float64Array.from(keep, (e) => p.score[e]!) };
}

function propagatePairs(pairs: PairScores, n: number, maxSize: number, step: number, startTh: number): Int32Array {
  const root = new Int32Array(n).fill(-1); // final component of each node, as a representative node
  const uf = new UnionFind(n);
  const inPlay = new Uint8Array(n).fill(1);
  let nodes = Int32Array.from({ length: n }, (_, i) => i);
  let active = Int32Array.from({ length: pairs.a.length }, (_, i) => i);
  let th = -Infinity; // the first round uses every pair
  for (;;) {
    for (let i = 0; i < active.length; i++) uf.union(pairs.a[active[i]!]!, pairs.b[active[i]!]!);
    let remaining = 0;
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i]!;
      const r = uf.find(v);
      if (uf.size[r]! <= maxSize) {
        root[v] = r;
        inPlay[v] = 0;
      } else {
        nodes[remaining++] = v;
      }
    }
    nodes = nodes.subarray(0, remaining);
    if (remaining === 0) break;
    const next = th === -Infinity ? startTh + (1 - startTh) * step : th + (1 - th) * step;
    if (next === th) {
      // th has reached 1 and the pairs at 1 still make an oversized component: nothing can split
      // it (the seed loops forever here), so it is kept as it is.
      for (const v of nodes) root[v] = uf.find(v);
      break;
    }
    th = next;
    let kept = 0;
    for (let i = 0; i < active.length; i++) {
      const e = active[i]!;
      if (pairs.score[e]! >= th && inPlay[pairs.a[e]!] === 1) active[kept++] = e;
    }
    active = active.subarray(0, kept);
    for (const v of nodes) uf.reset(v);
  }
  return relabelByFirstMember(root);
}
