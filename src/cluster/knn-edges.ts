import { fail } from '../errors.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';

/**
 * The kNN graph's links as scored edges (face, neighbour, cosine similarity), self excluded.
 * Similarities come from the graph when it carries them, else from the unit-normalised features.
 */
export function knnEdges(knn: KnnGraph, unitFeatures?: Features): ScoredEdges {
  const { n, k, indices } = knn;
  const w = k + 1;
  const m = n * k;
  const src = new Int32Array(m), dst = new Int32Array(m), score = new Float64Array(m);
  if (!knn.sims && !unitFeatures) fail('BAD_VALUE', 'kNN graph has no similarities and no features were given');
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 1; j < w; j++) {
      const nb = indices[i * w + j]!;
      src[e] = i;
      dst[e] = nb;
      score[e] = knn.sims ? knn.sims[i * w + j]! : dot(unitFeatures!, i, nb);
      e++;
    }
  }
  return { src, dst, score };
}

function dot(f: Features, a: number, b: number): number {
  let s = 0;
  for (let d = 0; d < f.dim; d++) s += f.data[a * f.dim + d]! * f.data[b * f.dim + d]!;
  return s;
}
