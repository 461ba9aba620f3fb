/**
 * The first graph convolution at inference without a product per subgraph. BatchNorm (running
 * statistics) and the convolution before its ReLU are linear, so with s = 1/√(σ² + ε),
 * W₁ = [W_self; W_neigh] and T = (F∘s)·[W_self | W_neigh] computed once for the whole data set:
 *   x̂_v = (x_v − x_p − μ)∘s
 *   x̂_v·W_self        = T_self[v] − T_self[p] − (μ∘s)·W_self
 *   (A·x̂)_v·W_neigh   = Σ_c a_vc·T_neigh[c] − r_v·(T_neigh[p] + (μ∘s)·W_neigh),   r_v = Σ_c a_vc
 * (r_v is 1, or 0 for a node without links). Each row then costs (links + 2)·width additions
 * instead of a (2·D)×width product, and the batch needs no input features.
 */
import type { ComputeBackend } from '../engine/backend.js';
import type { Features } from '../types.js';
import type { GraphBatch } from './batch.js';
import { architectureOf, BN_EPS, getParam, type Params } from './params.js';
import { spmm } from './sparse.js';

export interface FirstLayerTable {
  /** Output width w of the first convolution. */
  width: number;
  /** N × 2w, row v = [T_self[v] ‖ T_neigh[v]]; may live in a SharedArrayBuffer for workers. */
  table: Float32Array;
  /** b₁ − (μ∘s)·W_self */
  selfBias: Float32Array;
  /** (μ∘s)·W_neigh */
  neighbourShift: Float32Array;
}

/** Rows of F multiplied per product, to bound the temporary memory on large data sets. */
const CHUNK_ROWS = 8192;

export async function precomputeFirstLayer(params: Params, f: Features, backend: ComputeBackend, options: { shared?: boolean } = {}): Promise<FirstLayerTable> {
  const { dim: d, widths } = architectureOf(params);
  const w = widths[0]!;
  const mean = getParam(params, 'bn0.running_mean'), variance = getParam(params, 'bn0.running_var');
  const w1 = getParam(params, 'conv1.weight'), b1 = getParam(params, 'conv1.bias');
  const s = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + BN_EPS));
  // [W_self | W_neigh]: D × 2w from W₁'s two stacked D × w halves
  const wcat = new Float32Array(d * 2 * w);
  for (let i = 0; i < d; i++) {
    wcat.set(w1.subarray(i * w, (i + 1) * w), i * 2 * w);
    wcat.set(w1.subarray((d + i) * w, (d + i + 1) * w), i * 2 * w + w);
  }
  const selfBias = new Float32Array(w), neighbourShift = new Float32Array(w);
  for (let j = 0; j < w; j++) {
    let a = 0, c = 0;
    for (let i = 0; i < d; i++) {
      const m = mean[i]! * s[i]!;
      a += m * wcat[i * 2 * w + j]!;
      c += m * wcat[i * 2 * w + w + j]!;
    }
    selfBias[j] = b1[j]! - a;
    neighbourShift[j] = c;
  }
  const bytes = f.n * 2 * w * 4;
  const table = new Float32Array(options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  for (let r0 = 0; r0 < f.n; r0 += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, f.n - r0);
    const scaled = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) for (let i = 0; i < d; i++) scaled[r * d + i] = f.data[(r0 + r) * d + i]! * s[i]!;
    table.set(await backend.gemm(scaled, wcat, rows, d, 2 * w, false, false), r0 * 2 * w);
  }
  return { width: w, table, selfBias, neighbourShift };
}

/** The first convolution's output (after ReLU) on batch rows `rows`, in that order: rows × w (into `out` when given). */
export function firstLayerRows(t: FirstLayerTable, b: GraphBatch, rows: Int32Array, out: Float32Array = new Float32Array(rows.length * t.width)): Float32Array {
  const w = t.width, stride = 2 * w, tab = t.table;
  spmm(b, { rows, srcRowOf: b.nodeIds, src: tab, srcStride: stride, srcOffset: w, width: w, dst: out, dstStride: w, dstOffset: 0, accumulate: false });
  // the pivot's terms, recomputed when the pivot changes (rows come grouped by subgraph)
  const pivotSelf = new Float64Array(w), pivotNeigh = new Float64Array(w);
  let pivot = -1;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (b.rowPivots[r] !== pivot) {
      pivot = b.rowPivots[r]!;
      const p = pivot * stride;
      for (let j = 0; j < w; j++) {
        pivotSelf[j] = t.selfBias[j]! - tab[p + j]!;
        pivotNeigh[j] = tab[p + w + j]! + t.neighbourShift[j]!;
      }
    }
    let linked = 0;
    for (let e = b.rowPtr[r]!; e < b.rowPtr[r + 1]!; e++) linked += b.vals[e]!;
    const v = b.nodeIds[r]! * stride, o = k * w;
    for (let j = 0; j < w; j++) {
      const y = out[o + j]! + tab[v + j]! + pivotSelf[j]! - linked * pivotNeigh[j]!;
      out[o + j] = (y + Math.abs(y)) * 0.5; // ReLU without a branch: half the time on random signs
    }
  }
  return out;
}
