/**
 * The dense work of the GCN. `OnnxEngine` (onnxruntime's CPU kernels, with bias, ReLU and
 * PReLU fused into the products) is the fast one; `JsBackend` is plain TypeScript: the test
 * oracle and the fallback (`--backend js`).
 */
export interface ComputeBackend {
  /**
   * C (m×n) = op(A)·op(B), row-major. A is stored m×k, or k×m when `transA`; B is stored k×n,
   * or n×k when `transB`.
   */
  gemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Promise<Float32Array>;

  /**
   * One graph convolution's dense part, Y = ReLU(Z·W + b) for n rows of Z = [H ‖ AH] (n × 2·in,
   * W 2·in × out); written into `out` (n × out) when given.
   */
  graphConv(z: Float32Array, w: Float32Array, bias: Float32Array, n: number, inW: number, outW: number, out?: Float32Array): Promise<Float32Array>;

  /**
   * The backward pass of graphConv for upstream gradient dY (n × out): with G = dY ∘ [Y > 0],
   * dW = Zᵀ·G, db = Σ rows of G and, when `inputGrad`, dZ = G·Wᵀ in its two halves (the H and
   * the A·H columns, each n × in).
   */
  graphConvBackward(z: Float32Array, y: Float32Array, dy: Float32Array, w: Float32Array, n: number, inW: number, outW: number,
    inputGrad: boolean): Promise<ConvGradients>;

  /**
   * The classifier on m rows E (m×in): P = E·W₀ᵀ + b₀, Q = PReLU(P), logits = Q·W₂ᵀ + b₂
   * (W₀ hidden×in and W₂ 2×hidden, stored out×in as PyTorch does); P and Q with `keepHidden`.
   */
  classifier(e: Float32Array, w0: Float32Array, b0: Float32Array, slope: Float32Array, w2: Float32Array, b2: Float32Array, m: number, inW: number,
    hidden: number, keepHidden: boolean): Promise<{ logits: Float32Array; p?: Float32Array; q?: Float32Array }>;
}

export interface ConvGradients {
  dw: Float32Array;
  db: Float32Array;
  dzSelf?: Float32Array;
  dzNeighbours?: Float32Array;
}

export class JsBackend implements ComputeBackend {
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

  async graphConv(z: Float32Array, w: Float32Array, bias: Float32Array, n: number, inW: number, outW: number, out?: Float32Array): Promise<Float32Array> {
    const zw = await this.gemm(z, w, n, 2 * inW, outW, false, false);
    const y = out ?? zw;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < outW; j++) {
        const v = zw[i * outW + j]! + bias[j]!;
        // biome-ignore lint/complexity/useMathMinMax: a NaN becomes 0 here, as before; Math.max would keep it
        y[i * outW + j] = v > 0 ? v : 0;
      }
    }
    return y;
  }

  async graphConvBackward(z: Float32Array, y: Float32Array, dy: Float32Array, w: Float32Array, n: number, inW: number, outW: number,
    inputGrad: boolean): Promise<ConvGradients> {
    const g = Float32Array.from(dy, (v, k) => (y[k]! > 0 ? v : 0));
    const db = new Float64Array(outW);
    for (let i = 0; i < n; i++) for (let j = 0; j < outW; j++) db[j]! += g[i * outW + j]!;
    const out: ConvGradients = { dw: await this.gemm(z, g, 2 * inW, n, outW, true, false), db: Float32Array.from(db) };
    if (inputGrad) {
      const dz = await this.gemm(g, w, n, outW, 2 * inW, false, true);
      out.dzSelf = new Float32Array(n * inW);
      out.dzNeighbours = new Float32Array(n * inW);
      for (let i = 0; i < n; i++) {
        out.dzSelf.set(dz.subarray(i * 2 * inW, i * 2 * inW + inW), i * inW);
        out.dzNeighbours.set(dz.subarray(i * 2 * inW + inW, (i + 1) * 2 * inW), i * inW);
      }
    }
    return out;
  }

  async classifier(e: Float32Array, w0: Float32Array, b0: Float32Array, slope: Float32Array, w2: Float32Array, b2: Float32Array, m: number, inW: number,
    hidden: number, keepHidden: boolean): Promise<{ logits: Float32Array; p?: Float32Array; q?: Float32Array }> {
    const p = await this.gemm(e, w0, m, inW, hidden, false, true);
    const q = new Float32Array(m * hidden);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < hidden; j++) {
        const v = p[i * hidden + j]! + b0[j]!;
        p[i * hidden + j] = v;
        q[i * hidden + j] = v > 0 ? v : slope[j]! * v;
      }
    }
    const logits = await this.gemm(q, w2, m, hidden, 2, false, true);
    for (let i = 0; i < m; i++) for (let c = 0; c < 2; c++) logits[i * 2 + c]! += b2[c]!;
    return keepHidden ? { logits, p, q } : { logits };
  }
}
