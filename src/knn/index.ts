/**
 * Exact cosine k-nearest neighbours for every row. The similarity matrix is never held whole:
 * rows are taken in blocks, each block is multiplied with a block of columns on onnxruntime
 * (Gemm + TopK in one graph, so only the top candidates leave the engine), and the candidates of
 * successive column blocks are merged. Memory is O(N·K + rowBlock·colBlock).
 */
import { OnnxEngine } from '../engine/onnx.js';
import { fail } from '../errors.js';
import type { Features, KnnGraph } from '../types.js';
import { l2Normalize } from './normalize.js';
import { placeSelfFirst } from './self-first.js';

export { l2Normalize } from './normalize.js';

export interface KnnOptions {
  /** Neighbours per face, not counting the face itself. */
  k: number;
  /** Skip L2 normalisation when the rows are known to be unit vectors already. */
  normalized?: boolean;
  /** Engine to multiply on; a private one is made (and disposed) when not given. */
  engine?: OnnxEngine;
  /** Largest similarity tile held at once, in elements (default 2^25, i.e. 128 MiB). */
  tileElements?: number;
  /** Columns compared at once (default 32,768, at least k + 1): rows merge their top K across column blocks. */
  columnBlock?: number;
  onProgress?: (done: number, total: number) => void;
}

export const KNN_DEFAULTS = Object.freeze({ tileElements: 1 << 25 });

export async function buildKnn(features: Features, options: KnnOptions): Promise<KnnGraph> {
  return { n: features.n, k: options.k, ...(await buildKnnRows(features, 0, options)) };
}

/**
 * The kNN rows of faces `first`..N−1 among all N faces, as buildKnn's rows (self first): for
 * faces added to a collection whose older rows are kept, in time proportional to the new ones.
 */
export async function buildKnnRows(features: Features, first: number, options: KnnOptions): Promise<{ indices: Int32Array; sims: Float32Array }> {
  const { n, dim } = features;
  if (!Number.isInteger(first) || first < 0 || first >= n) fail('BAD_OPTION', `first row ${first} is not in [0, ${n})`);
  const k = options.k;
  if (!Number.isInteger(k) || k < 1) fail('BAD_OPTION', `k must be a positive integer, got ${k}`);
  if (k > n - 1) fail('BAD_OPTION', `k = ${k} is larger than N − 1 = ${n - 1} (there are only ${n} faces)`);
  const x = options.normalized ? features : l2Normalize(features);
  const engine = options.engine ?? new OnnxEngine();
  const w = k + 1;
  const tile = options.tileElements ?? KNN_DEFAULTS.tileElements;
  const colBlock = Math.min(n, Math.max(w, options.columnBlock ?? 1 << 15));
  const rowBlock = Math.max(16, Math.min(n - first, Math.floor(tile / colBlock)));

  const indices = new Int32Array((n - first) * w);
  const sims = new Float32Array((n - first) * w);
  // candidate lists: the best `w` seen so far for the rows of the current block
  let bestIdx = new Int32Array(rowBlock * w);
  let bestVal = new Float32Array(rowBlock * w);
  let mergeIdx = new Int32Array(rowBlock * w);
  let mergeVal = new Float32Array(rowBlock * w);
  try {
    for (let r0 = first; r0 < n; r0 += rowBlock) {
      const rows = Math.min(rowBlock, n - r0);
      const a = x.data.subarray(r0 * dim, (r0 + rows) * dim);
      let have = 0; // candidates per row held so far
      for (let c0 = 0; c0 < n; c0 += colBlock) {
        const cols = Math.min(colBlock, n - c0);
        const top = Math.min(w, cols);
        const b = x.data.subarray(c0 * dim, (c0 + cols) * dim);
        const res = await engine.gemmTopK(a, b, rows, dim, cols, top);
        // int64 column indices < 2^31: their low 32-bit words are the values
        const lo = new Int32Array(res.indices.buffer, res.indices.byteOffset, res.indices.length * 2);
        if (have === 0) {
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < top; j++) {
              bestIdx[i * w + j] = lo[2 * (i * top + j)]! + c0;
              bestVal[i * w + j] = res.values[i * top + j]!;
            }
          }
          have = top;
          continue;
        }
        // merge by decreasing similarity; on a tie the earlier (lower-index) block wins
        const keep = Math.min(w, have + top);
        for (let i = 0; i < rows; i++) {
          let p = 0, q = 0;
          for (let o = 0; o < keep; o++) {
            const vp = p < have ? bestVal[i * w + p]! : -Infinity;
            const vq = q < top ? res.values[i * top + q]! : -Infinity;
            if (q >= top || (p < have && vp >= vq)) {
              mergeIdx[i * w + o] = bestIdx[i * w + p]!;
              mergeVal[i * w + o] = vp;
              p++;
            } else {
              mergeIdx[i * w + o] = lo[2 * (i * top + q)]! + c0;
              mergeVal[i * w + o] = vq;
              q++;
            }
          }
        }
        [bestIdx, mergeIdx] = [mergeIdx, bestIdx];
        [bestVal, mergeVal] = [mergeVal, bestVal];
        have = keep;
      }
      for (let i = 0; i < rows; i++) placeSelfFirst(r0 + i, bestIdx.subarray(i * w, (i + 1) * w), bestVal.subarray(i * w, (i + 1) * w), indices, sims, w, r0 + i - first);
      options.onProgress?.(r0 + rows - first, n - first);
    }
  } finally {
    if (!options.engine) await engine.dispose();
  }
  return { indices, sims };
}

/** Cosine similarities of a kNN graph read without them, from unit-length rows. */
export function knnSimilarities(knn: KnnGraph, unit: Features): Float32Array {
  const w = knn.k + 1, d = unit.dim;
  const sims = new Float32Array(knn.n * w);
  for (let i = 0; i < knn.n; i++) {
    for (let j = 0; j < w; j++) {
      const b = knn.indices[i * w + j]!;
      let s = 0;
      for (let t = 0; t < d; t++) s += unit.data[i * d + t]! * unit.data[b * d + t]!;
      sims[i * w + j] = s;
    }
  }
  return sims;
}
