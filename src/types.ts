/** Face descriptors: `n` rows of `dim` float32 values, row-major. */
export interface Features {
  n: number;
  dim: number;
  data: Float32Array;
}

/**
 * A k-nearest-neighbour graph in the seed's layout: `n × (k + 1)` row-major indices, column 0 is
 * the row itself, then its k nearest by decreasing similarity. `sims` (same shape) holds cosine
 * similarities where they are known.
 */
export interface KnnGraph {
  n: number;
  k: number;
  indices: Int32Array;
  sims?: Float32Array;
}

/** Scored links between faces: edge `e` joins `src[e]` and `dst[e]` with `score[e]`. */
export interface ScoredEdges {
  src: Int32Array;
  dst: Int32Array;
  score: Float64Array;
}
