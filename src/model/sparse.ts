/**
 * The sparse product A·X of the graph convolutions, over a CSR matrix. It is most of the GCN's
 * work that onnxruntime does not do, so the kernel sums eight output columns at a time in
 * registers (as float64) and writes each output element once: about 3× faster in V8 than
 * accumulating into the output row per nonzero.
 */
export interface Csr {
  rows: number;
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

export interface SpmmArgs {
  /** Rows of A to compute, in output order (default: all, in order). */
  rows?: Int32Array;
  /** Row of `src` that holds column c of A (default: row c): reads a gathered or global matrix. */
  srcRowOf?: Int32Array;
  src: Float32Array;
  srcStride: number;
  srcOffset: number;
  width: number;
  dst: Float32Array;
  dstStride: number;
  dstOffset: number;
  /** Add to dst instead of overwriting it. */
  accumulate: boolean;
}

/** dst[k, dstOffset : +width] (+)= Σₑ A[rows[k], c]·src[srcRowOf[c], srcOffset : +width]. */
export function spmm(a: Csr, args: SpmmArgs): void {
  const { rows, srcRowOf, src, srcStride, srcOffset, width, dst, dstStride, dstOffset, accumulate } = args;
  const { rowPtr, cols, vals } = a;
  const count = rows ? rows.length : a.rows;
  const blocked = width - (width % 8);
  // where each of the current row's nonzeros reads src, worked out once per row; float64, as
  // row × stride passes 2^31 in a first-layer table (stride 1,024) beyond about 2.1 million faces
  let starts = new Float64Array(64);
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k]! : k;
    const e0 = rowPtr[i]!, e1 = rowPtr[i + 1]!;
    if (e1 - e0 > starts.length) starts = new Float64Array(2 * (e1 - e0));
    for (let e = e0; e < e1; e++) starts[e - e0] = (srcRowOf ? srcRowOf[cols[e]!]! : cols[e]!) * srcStride + srcOffset;
    const o = k * dstStride + dstOffset;
    for (let j = 0; j < blocked; j += 8) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
      for (let e = e0; e < e1; e++) {
        const v = vals[e]!;
        const s = starts[e - e0]! + j;
        a0 += v * src[s]!; a1 += v * src[s + 1]!; a2 += v * src[s + 2]!; a3 += v * src[s + 3]!;
        a4 += v * src[s + 4]!; a5 += v * src[s + 5]!; a6 += v * src[s + 6]!; a7 += v * src[s + 7]!;
      }
      if (accumulate) {
        dst[o + j]! += a0; dst[o + j + 1]! += a1; dst[o + j + 2]! += a2; dst[o + j + 3]! += a3;
        dst[o + j + 4]! += a4; dst[o + j + 5]! += a5; dst[o + j + 6]! += a6; dst[o + j + 7]! += a7;
      } else {
        dst[o + j] = a0; dst[o + j + 1] = a1; dst[o + j + 2] = a2; dst[o + j + 3] = a3;
        dst[o + j + 4] = a4; dst[o + j + 5] = a5; dst[o + j + 6] = a6; dst[o + j + 7] = a7;
      }
    }
    for (let j = blocked; j < width; j++) {
      let acc = 0;
      for (let e = e0; e < e1; e++) acc += vals[e]! * src[starts[e - e0]! + j]!;
      dst[o + j] = accumulate ? dst[o + j]! + acc : acc;
    }
  }
}

/** Aᵀ in CSR form (a counting sort by column), for the backward pass's Aᵀ·dY. */
export function transposeCsr(a: Csr): Csr {
  const n = a.rows;
  const rowPtr = new Int32Array(n + 1);
  for (let e = 0; e < a.cols.length; e++) rowPtr[a.cols[e]! + 1]!++;
  for (let i = 0; i < n; i++) rowPtr[i + 1]! += rowPtr[i]!;
  const fill = rowPtr.slice(0, n);
  const cols = new Int32Array(a.cols.length), vals = new Float32Array(a.cols.length);
  for (let i = 0; i < n; i++) {
    for (let e = a.rowPtr[i]!; e < a.rowPtr[i + 1]!; e++) {
      const p = fill[a.cols[e]!]!++;
      cols[p] = i;
      vals[p] = a.vals[e]!;
    }
  }
  return { rows: n, rowPtr, cols, vals };
}
