/**
 * Exact cosine top-w of query rows among base rows. The similarity matrix is never held whole:
 * queries are taken in blocks, each block is multiplied with a block of base rows on onnxruntime
 * (Gemm + TopK in one graph, so only the top candidates leave the engine), and the candidates of
 * successive base blocks are merged. Memory is O(Q·w + rowBlock·colBlock).
 */
import type { OnnxEngine } from '../engine/onnx.js';
import type { Features } from '../types.js';

export interface ExactOptions {
  engine: OnnxEngine;
  /** Largest similarity tile held at once, in elements (default 2^25, i.e. 128 MiB). */
  tileElements?: number;
  /** Base rows compared at once (default 32,768, at least w): rows merge their top w across blocks. */
  columnBlock?: number;
  /** Called after each block of queries with the queries done so far. */
  onProgress?: (done: number, total: number) => void;
}

export const EXACT_DEFAULTS = Object.freeze({ tileElements: 1 << 25, columnBlock: 1 << 15 });

/**
 * The w most similar base rows of every query (unit rows both), by decreasing similarity; on a
 * tie the lower base index first. Returns Q × w indices and similarities.
 */
export async function exactNeighbours(base: Features, queries: Features, w: number,
  options: ExactOptions): Promise<{ indices: Int32Array; sims: Float32Array }> {
  const { n, dim } = base;
  const q = queries.n;
  const tile = options.tileElements ?? EXACT_DEFAULTS.tileElements;
  const colBlock = Math.min(n, Math.max(w, options.columnBlock ?? EXACT_DEFAULTS.columnBlock));
  const rowBlock = Math.max(16, Math.min(q, Math.floor(tile / colBlock)));
  const indices = new Int32Array(q * w);
  const sims = new Float32Array(q * w);
  // candidate lists: the best `w` seen so far for the queries of the current block
  let bestIdx = new Int32Array(rowBlock * w);
  let bestVal = new Float32Array(rowBlock * w);
  let mergeIdx = new Int32Array(rowBlock * w);
  let mergeVal = new Float32Array(rowBlock * w);
  for (let r0 = 0; r0 < q; r0 += rowBlock) {
    const rows = Math.min(rowBlock, q - r0);
    const a = queries.data.subarray(r0 * dim, (r0 + rows) * dim);
    let have = 0; // candidates per query held so far
    for (let c0 = 0; c0 < n; c0 += colBlock) {
      const cols = Math.min(colBlock, n - c0);
      const top = Math.min(w, cols);
      const b = base.data.subarray(c0 * dim, (c0 + cols) * dim);
      const res = await options.engine.gemmTopK(a, b, rows, dim, cols, top);
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
        let p = 0, s = 0;
        for (let o = 0; o < keep; o++) {
          const vp = p < have ? bestVal[i * w + p]! : -Infinity;
          const vs = s < top ? res.values[i * top + s]! : -Infinity;
          if (s >= top || (p < have && vp >= vs)) {
            mergeIdx[i * w + o] = bestIdx[i * w + p]!;
            mergeVal[i * w + o] = vp;
            p++;
          } else {
            mergeIdx[i * w + o] = lo[2 * (i * top + s)]! + c0;
            mergeVal[i * w + o] = vs;
            s++;
          }
        }
      }
      [bestIdx, mergeIdx] = [mergeIdx, bestIdx];
      [bestVal, mergeVal] = [mergeVal, bestVal];
      have = keep;
    }
    indices.set(bestIdx.subarray(0, rows * w), r0 * w);
    sims.set(bestVal.subarray(0, rows * w), r0 * w);
    options.onProgress?.(r0 + rows, q);
  }
  return { indices, sims };
}
