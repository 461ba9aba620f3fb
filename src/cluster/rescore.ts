/**
 * A second opinion on links: the GCN's probability that the two faces of a link are one person,
 * looked up for links chosen another way (the default's thresholded kNN links), as FC-ESER
 * re-scores FC-ES's links with a supervised model.
 */
import type { ScoredEdges } from '../types.js';
import type { PairScores } from './pairs.js';

/** The pooled score of the pair (a, b) in `pairs` (sorted by (a, b), see poolPairs), or NaN when it is not there. */
function lookup(pairs: PairScores, start: Int32Array, a: number, b: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b);
  let l = start[lo]!, r = start[lo + 1]!;
  while (l < r) {
    const mid = (l + r) >>> 1;
    if (pairs.b[mid]! < hi) l = mid + 1; else r = mid;
  }
  return l < start[lo + 1]! && pairs.b[l] === hi ? pairs.score[l]! : NaN;
}

/**
 * The links of `kept` whose pair `scores` (pooled per pair, see poolPairs) puts at `minScore`
 * or more, with their own weights. A link whose pair was not scored stays: no second opinion
 * is no objection.
 */
export function rescoreEdges(kept: ScoredEdges, scores: PairScores, n: number, minScore: number): ScoredEdges {
  // scores.a is sorted: the pairs of face a are start[a]..start[a + 1]
  const start = new Int32Array(n + 1);
  for (const a of scores.a) start[a + 1]!++;
  for (let a = 0; a < n; a++) start[a + 1]! += start[a]!;
  const keep = new Uint8Array(kept.src.length);
  let m = 0;
  for (let e = 0; e < kept.src.length; e++) {
    if (!(lookup(scores, start, kept.src[e]!, kept.dst[e]!) < minScore)) { keep[e] = 1; m++; }
  }
  const out = { src: new Int32Array(m), dst: new Int32Array(m), score: new Float64Array(m) };
  for (let e = 0, o = 0; e < kept.src.length; e++) {
    if (!keep[e]) continue;
    out.src[o] = kept.src[e]!; out.dst[o] = kept.dst[e]!; out.score[o++] = kept.score[e]!;
  }
  return out;
}
