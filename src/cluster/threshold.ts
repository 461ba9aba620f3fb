import type { ScoredEdges } from '../types.js';
import { relabelByFirstMember } from '../labels.js';
import { UnionFind } from './union-find.js';

/** Connected components over the edges whose score is at least `threshold`; labels 0, 1, … by lowest member. */
export function thresholdComponents(edges: ScoredEdges, n: number, threshold: number): Int32Array {
  const uf = new UnionFind(n);
  for (let e = 0; e < edges.src.length; e++) if (edges.score[e]! >= threshold) uf.union(edges.src[e]!, edges.dst[e]!);
  const root = new Int32Array(n);
  for (let i = 0; i < n; i++) root[i] = uf.find(i);
  return relabelByFirstMember(root);
}
