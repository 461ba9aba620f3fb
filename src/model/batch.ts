/**
 * A batch of subgraphs as one block-diagonal graph: node rows of every subgraph stacked, one
 * CSR adjacency over all of them, and the rows of the hop-1 nodes whose links are scored.
 * BatchNorm then sees exactly the batch's real nodes, and every product is one large matrix.
 */
import { subgraphFeatures, type Subgraph } from '../ips/index.js';
import type { Features } from '../types.js';

export interface GraphBatch {
  rows: number;
  /** Input features, rows × D: each node's feature minus its pivot's. */
  x: Float32Array;
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
  /** Batch row of each scored hop-1 node. */
  hop1Rows: Int32Array;
  /** Pivot and neighbour (global ids) of each scored link, in the order of hop1Rows. */
  linkPivot: Int32Array;
  linkNode: Int32Array;
}

export function makeBatch(subgraphs: Subgraph[], f: Features): GraphBatch {
  const d = f.dim;
  let rows = 0, nnz = 0, links = 0;
  for (const g of subgraphs) {
    rows += g.nodes.length;
    nnz += g.cols.length;
    links += g.hop1;
  }
  const x = new Float32Array(rows * d);
  const rowPtr = new Int32Array(rows + 1);
  const cols = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  const hop1Rows = new Int32Array(links);
  const linkPivot = new Int32Array(links);
  const linkNode = new Int32Array(links);
  let r0 = 0, e0 = 0, l0 = 0;
  for (const g of subgraphs) {
    const n = g.nodes.length;
    subgraphFeatures(g, f, x.subarray(r0 * d, (r0 + n) * d));
    for (let i = 0; i < n; i++) rowPtr[r0 + i + 1] = e0 + g.rowPtr[i + 1]!;
    for (let e = 0; e < g.cols.length; e++) {
      cols[e0 + e] = g.cols[e]! + r0;
      vals[e0 + e] = g.vals[e]!;
    }
    for (let h = 0; h < g.hop1; h++) {
      hop1Rows[l0 + h] = r0 + 1 + h;
      linkPivot[l0 + h] = g.pivot;
      linkNode[l0 + h] = g.nodes[1 + h]!;
    }
    r0 += n;
    e0 += g.cols.length;
    l0 += g.hop1;
  }
  return { rows, x, rowPtr, cols, vals, hop1Rows, linkPivot, linkNode };
}

/**
 * dst[:, dstOff : dstOff + width] += Aᵀ · src[:, srcOff : srcOff + width], row-major with the given
 * row strides: the backward of A·X, read straight from one half of d[X ‖ A·X].
 */
export function spmmTransposedInto(b: GraphBatch, src: Float32Array, srcStride: number, srcOff: number, dst: Float32Array, dstStride: number, dstOff: number, width: number): void {
  for (let i = 0; i < b.rows; i++) {
    const s = i * srcStride + srcOff;
    for (let e = b.rowPtr[i]!; e < b.rowPtr[i + 1]!; e++) {
      const v = b.vals[e]!;
      const o = b.cols[e]! * dstStride + dstOff;
      for (let j = 0; j < width; j++) dst[o + j]! += v * src[s + j]!;
    }
  }
}

/**
 * Rows whose output each layer must produce when only the hop-1 rows' last-layer output is
 * used (inference): the last layer needs the hop-1 rows, and each earlier one those rows plus
 * their neighbours in A. Returns one list per layer, first layer first; the last list is
 * `hop1Rows` itself, in its order.
 */
export function neededRows(b: GraphBatch, layers: number): Int32Array[] {
  const out: Int32Array[] = [b.hop1Rows];
  const mark = new Uint8Array(b.rows);
  for (const r of b.hop1Rows) mark[r] = 1;
  for (let l = layers - 1; l > 0; l--) {
    const prev = out[0]!;
    for (const r of prev) for (let e = b.rowPtr[r]!; e < b.rowPtr[r + 1]!; e++) mark[b.cols[e]!] = 1;
    const rows: number[] = [];
    for (let r = 0; r < b.rows; r++) if (mark[r]) rows.push(r);
    out.unshift(Int32Array.from(rows));
  }
  return out;
}

/** Rows `rows` of A·X (X is rows × width), in that order: the sparse product, for all rows or some. */
export function spmmRows(b: GraphBatch, x: Float32Array, width: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!, o = k * width;
    for (let e = b.rowPtr[i]!; e < b.rowPtr[i + 1]!; e++) {
      const v = b.vals[e]!;
      const s = b.cols[e]! * width;
      for (let j = 0; j < width; j++) out[o + j]! += v * x[s + j]!;
    }
  }
  return out;
}
