/**
 * Pooling of scored edges into one score per unordered pair, as the seed's graph_propagation
 * does before it builds its graph.
 */
import { fail } from '../errors.js';
import type { ScoredEdges } from '../types.js';

/** How scores of the same unordered pair combine: the seed's `avg` (a running 0.5·(old + new), which is the mean for the usual two directions), `max`, or `none` (the last one counts). */
export type Pool = 'avg' | 'max' | 'none';

/** Unique unordered pairs `a[e] < b[e]`, sorted by (a, b), each with its pooled score. */
export interface PairScores {
  a: Int32Array;
  b: Int32Array;
  score: Float64Array;
}

function countingOrder(keys: Int32Array, n: number, order: Int32Array): Int32Array {
  // stable counting sort of `order` by keys[order[i]]
  const count = new Int32Array(n + 1);
  for (let i = 0; i < order.length; i++) count[keys[order[i]!]! + 1]!++;
  for (let v = 0; v < n; v++) count[v + 1]! += count[v]!;
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) out[count[keys[order[i]!]!]!++] = order[i]!;
  return out;
}

export function poolPairs(edges: ScoredEdges, n: number, pool: Pool): PairScores {
  const { src, dst, score } = edges;
  const m = src.length;
  if (dst.length !== m || score.length !== m) fail('SHAPE_MISMATCH', `edges and scores differ in length (${m}, ${dst.length}, ${score.length})`);
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  let kept = 0;
  const order0 = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const s = src[e]!, d = dst[e]!;
    if (s < 0 || s >= n || d < 0 || d >= n) fail('BAD_VALUE', `edge ${e} (${s}, ${d}) has a node outside [0, ${n})`);
    if (Number.isNaN(score[e]!)) fail('BAD_VALUE', `edge ${e} has a NaN score`);
    lo[e] = Math.min(s, d);
    hi[e] = Math.max(s, d);
    if (s !== d) order0[kept++] = e; // a self-link joins nothing
  }
  // LSD radix: by hi, then (stably) by lo, so equal pairs keep their input order
  const order = countingOrder(lo, n, countingOrder(hi, n, order0.subarray(0, kept)));
  const a = new Int32Array(order.length), b = new Int32Array(order.length), out = new Float64Array(order.length);
  let p = -1;
  for (let i = 0; i < order.length; i++) {
    const e = order[i]!;
    if (p >= 0 && a[p] === lo[e] && b[p] === hi[e]) {
      const prev = out[p]!, s = score[e]!;
      out[p] = pool === 'avg' ? 0.5 * (prev + s) : pool === 'max' ? Math.max(prev, s) : s;
    } else {
      p++;
      a[p] = lo[e]!;
      b[p] = hi[e]!;
      out[p] = score[e]!;
    }
  }
  return { a: a.slice(0, p + 1), b: b.slice(0, p + 1), score: out.slice(0, p + 1) };
}
