import { similaritiesOf } from '../knn/graph.js';
import type { KnnGraph, ScoredEdges } from '../types.js';

/**
 * The kNN graph's links as scored edges (face, neighbour, cosine similarity), self excluded;
 * with `minScore`, only those at or above it, counted first so that the n·k links are never all
 * held at once (a million faces at k = 80: 1.3 GB).
 */
export function knnEdges(knn: KnnGraph, minScore = -Infinity): ScoredEdges {
  const { n, k, indices } = knn;
  const sims = similaritiesOf(knn);
  const w = k + 1;
  let m = 0;
  for (let i = 0; i < n; i++) for (let j = 1; j < w; j++) if (sims[i * w + j]! >= minScore) m++;
  const src = new Int32Array(m), dst = new Int32Array(m), score = new Float64Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 1; j < w; j++) {
      if (!(sims[i * w + j]! >= minScore)) continue;
      src[e] = i;
      dst[e] = indices[i * w + j]!;
      score[e++] = sims[i * w + j]!;
    }
  }
  return { src, dst, score };
}

/** Edges at or above `threshold`. */
export function edgesAbove(edges: ScoredEdges, threshold: number): ScoredEdges {
  let m = 0;
  for (let e = 0; e < edges.score.length; e++) if (edges.score[e]! >= threshold) m++;
  const out = { src: new Int32Array(m), dst: new Int32Array(m), score: new Float64Array(m) };
  for (let e = 0, o = 0; e < edges.score.length; e++) {
    if (edges.score[e]! < threshold) continue;
    out.src[o] = edges.src[e]!; out.dst[o] = edges.dst[e]!; out.score[o++] = edges.score[e]!;
  }
  return out;
}
