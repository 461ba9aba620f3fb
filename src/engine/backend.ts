/**
 * Dense matrix products for the GCN. `OnnxEngine` (onnxruntime's CPU kernels) is the fast one;
 * `JsBackend` is plain TypeScript: the test oracle and the fallback (`--backend js`).
 */
export interface MatmulBackend {
  /**
   * C (m×n) = op(A)·op(B), row-major. A is stored m×k, or k×m when `transA`; B is stored k×n,
   * or n×k when `transB`.
   */
  gemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Promise<Float32Array>;
}

export class JsBackend implements MatmulBackend {
  async gemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Promise<Float32Array> {
    const c = new Float32Array(m * n);
    // i-p-j order keeps the inner loop on contiguous rows of B and C where the layout allows
    const row = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i]! : a[i * k + p]!;
        if (av === 0) continue;
        if (transB) for (let j = 0; j < n; j++) row[j]! += av * b[j * k + p]!;
        else {
          const off = p * n;
          for (let j = 0; j < n; j++) row[j]! += av * b[off + j]!;
        }
      }
      for (let j = 0; j < n; j++) c[i * n + j] = row[j]!;
    }
    return c;
  }
}
