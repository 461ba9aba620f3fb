/**
 * The one place that talks to onnxruntime. Everything else passes typed arrays in and gets
 * typed arrays out; sessions for the small graphs used here are built lazily and memoised per
 * engine, and released with `dispose()`. Which onnxruntime (native in Node, WebAssembly in Node
 * or a browser) comes from `#runtime` (runtime.node.ts, runtime.browser.ts) unless one is given.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { defaultThreads, loadRuntime } from '#runtime';
import type { ComputeBackend, ConvGradients } from './backend.js';
import { encodeModel, ElemType, intAttr, type OnnxGraph } from './onnx-proto.js';

/** What the engine needs of an onnxruntime package (onnxruntime-node and onnxruntime-web both are one). */
export interface OrtRuntime {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32' | 'int32' | 'int64', data: Float32Array | Int32Array | BigInt64Array, dims: readonly number[]) => Tensor;
}

/** native: onnxruntime-node's CPU kernels; wasm: onnxruntime-web's WebAssembly ones. */
export type RuntimeKind = 'native' | 'wasm';
export const RUNTIME_KINDS: readonly RuntimeKind[] = Object.freeze(['native', 'wasm']);

export interface EngineOptions {
  /** Threads onnxruntime may use inside one operator; defaults to the machine's cores. */
  threads?: number;
  /** Which onnxruntime: 'auto' (the default) is the native one where installed, else WebAssembly. */
  runtime?: RuntimeKind | 'auto';
}

type Feed = Float32Array | Int32Array | BigInt64Array;

export class OnnxEngine implements ComputeBackend {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  private loaded?: Promise<{ ort: OrtRuntime; kind: RuntimeKind }>;
  readonly threads: number;
  private readonly runtime: RuntimeKind | 'auto';

  constructor(options: EngineOptions = {}) {
    this.threads = Math.max(1, options.threads ?? defaultThreads());
    this.runtime = options.runtime ?? 'auto';
  }

  private ort(): Promise<{ ort: OrtRuntime; kind: RuntimeKind }> {
    this.loaded ??= loadRuntime(this.runtime, this.threads);
    return this.loaded;
  }

  /** The onnxruntime this engine runs on, loaded on first use. */
  async kind(): Promise<RuntimeKind> {
    return (await this.ort()).kind;
  }

  /** A session for the graph named `key`, built by `make` on first use. */
  session(key: string, make: () => OnnxGraph): Promise<InferenceSession> {
    let s = this.sessions.get(key);
    if (!s) {
      s = this.ort().then(({ ort }) => ort.InferenceSession.create(encodeModel(make()), {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      }));
      this.sessions.set(key, s);
    }
    return s;
  }

  /**
   * Runs a memoised graph; inputs are given with their shapes, outputs come back as typed arrays.
   * Outputs named in `into` are written into the given arrays (onnxruntime's preallocated outputs).
   */
  async run(key: string, make: () => OnnxGraph, feeds: Record<string, [Feed, number[]]>, into: Record<string, [Float32Array,
    number[]]> = {}): Promise<Record<string, Tensor>> {
    const session = await this.session(key, make);
    const { ort, kind } = await this.ort();
    const tensor = ([data, dims]: [Feed, number[]]) =>
      new ort.Tensor(data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : 'int64', data, dims);
    const tensors: Record<string, Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) tensors[name] = tensor(feed);
    if (Object.keys(into).length === 0) return session.run(tensors);
    if (kind === 'wasm') {
      // onnxruntime-web leaves preallocated outputs unwritten: copy its own outputs over
      const results = await session.run(tensors);
      for (const [name, [out]] of Object.entries(into)) out.set(results[name]!.data as Float32Array);
      return results;
    }
    const fetches: Record<string, Tensor> = {};
    for (const [name, out] of Object.entries(into)) fetches[name] = tensor(out);
    await session.run(tensors, fetches);
    return fetches;
  }

  /** C = A·B for row-major A (m×k) and B (k×n). */
  matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float32Array> {
    return this.gemm(a, b, m, k, n, false, false);
  }

  /** C (m×n) = op(A)·op(B); A stored m×k (k×m if transA), B stored k×n (n×k if transB). */
  async gemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Promise<Float32Array> {
    const key = `gemm_${transA ? 't' : 'n'}${transB ? 't' : 'n'}`;
    const out = await this.run(key, () => ({
      name: key,
      inputs: [
        { name: 'a', type: ElemType.FLOAT, dims: transA ? ['k', 'm'] : ['m', 'k'] },
        { name: 'b', type: ElemType.FLOAT, dims: transB ? ['n', 'k'] : ['k', 'n'] },
      ],
      outputs: [{ name: 'c', type: ElemType.FLOAT, dims: ['m', 'n'] }],
      nodes: [{ op: 'Gemm', inputs: ['a', 'b'], outputs: ['c'], attrs: { transA: intAttr(transA ? 1 : 0), transB: intAttr(transB ? 1 : 0) } }],
    }), { a: [a, transA ? [k, m] : [m, k]], b: [b, transB ? [n, k] : [k, n]] });
    return out.c!.data as Float32Array;
  }

  async graphConv(z: Float32Array, w: Float32Array, bias: Float32Array, n: number, inW: number, outW: number, out?: Float32Array): Promise<Float32Array> {
    const result = await this.run('graph_conv', () => ({
      name: 'graph_conv',
      inputs: [
        { name: 'z', type: ElemType.FLOAT, dims: ['n', 'k'] },
        { name: 'w', type: ElemType.FLOAT, dims: ['k', 'o'] },
        { name: 'bias', type: ElemType.FLOAT, dims: ['o'] },
      ],
      outputs: [{ name: 'y', type: ElemType.FLOAT, dims: ['n', 'o'] }],
      nodes: [
        { op: 'Gemm', inputs: ['z', 'w', 'bias'], outputs: ['pre'] },
        { op: 'Relu', inputs: ['pre'], outputs: ['y'] },
      ],
    }), { z: [z, [n, 2 * inW]], w: [w, [2 * inW, outW]], bias: [bias, [outW]] }, out ? { y: [out, [n, outW]] } : {});
    return out ?? (result.y!.data as Float32Array);
  }

  async graphConvBackward(z: Float32Array, y: Float32Array, dy: Float32Array, w: Float32Array, n: number, inW: number, outW: number,
    inputGrad: boolean): Promise<ConvGradients> {
    const key = inputGrad ? 'graph_conv_backward' : 'graph_conv_backward_w';
    const out = await this.run(key, () => ({
      name: key,
      inputs: [
        { name: 'z', type: ElemType.FLOAT, dims: ['n', 'k'] },
        { name: 'y', type: ElemType.FLOAT, dims: ['n', 'o'] },
        { name: 'dy', type: ElemType.FLOAT, dims: ['n', 'o'] },
        ...(inputGrad ? [{ name: 'w', type: ElemType.FLOAT, dims: ['k', 'o'] }, { name: 'halves', type: ElemType.INT64, dims: [2] }] : []),
      ],
      outputs: [
        { name: 'dw', type: ElemType.FLOAT, dims: ['k', 'o'] },
        { name: 'db', type: ElemType.FLOAT, dims: ['o'] },
        ...(inputGrad ? [{ name: 'dz_self', type: ElemType.FLOAT, dims: ['n', 'i'] }, { name: 'dz_neighbours', type: ElemType.FLOAT, dims: ['n', 'i'] }] : []),
      ],
      initializers: [{ name: 'zero', dims: [], data: new Float32Array(1) }, { name: 'rows_axis', dims: [1], data: new BigInt64Array(1) }],
      nodes: [
        { op: 'Greater', inputs: ['y', 'zero'], outputs: ['active'] },
        { op: 'Where', inputs: ['active', 'dy', 'zero'], outputs: ['g'] },
        { op: 'Gemm', inputs: ['z', 'g'], outputs: ['dw'], attrs: { transA: intAttr(1) } },
        { op: 'ReduceSum', inputs: ['g', 'rows_axis'], outputs: ['db'], attrs: { keepdims: intAttr(0) } },
        ...(inputGrad ? [
          { op: 'Gemm', inputs: ['g', 'w'], outputs: ['dz'], attrs: { transB: intAttr(1) } },
          { op: 'Split', inputs: ['dz', 'halves'], outputs: ['dz_self', 'dz_neighbours'], attrs: { axis: intAttr(1) } },
        ] : []),
      ],
    }), {
      z: [z, [n, 2 * inW]], y: [y, [n, outW]], dy: [dy, [n, outW]],
      ...(inputGrad ? { w: [w, [2 * inW, outW]] as [Feed, number[]], halves: [BigInt64Array.of(BigInt(inW), BigInt(inW)), [2]] as [Feed, number[]] } : {}),
    });
    const grads: ConvGradients = { dw: out.dw!.data as Float32Array, db: out.db!.data as Float32Array };
    if (inputGrad) {
      grads.dzSelf = out.dz_self!.data as Float32Array;
      grads.dzNeighbours = out.dz_neighbours!.data as Float32Array;
    }
    return grads;
  }

  async classifier(e: Float32Array, w0: Float32Array, b0: Float32Array, slope: Float32Array, w2: Float32Array, b2: Float32Array, m: number, inW: number,
    hidden: number, keepHidden: boolean): Promise<{ logits: Float32Array; p?: Float32Array; q?: Float32Array }> {
    const key = keepHidden ? 'classifier_pq' : 'classifier';
    const out = await this.run(key, () => ({
      name: key,
      inputs: [
        { name: 'e', type: ElemType.FLOAT, dims: ['m', 'i'] },
        { name: 'w0', type: ElemType.FLOAT, dims: ['h', 'i'] },
        { name: 'b0', type: ElemType.FLOAT, dims: ['h'] },
        { name: 'slope', type: ElemType.FLOAT, dims: ['h'] },
        { name: 'w2', type: ElemType.FLOAT, dims: [2, 'h'] },
        { name: 'b2', type: ElemType.FLOAT, dims: [2] },
      ],
      outputs: [
        { name: 'logits', type: ElemType.FLOAT, dims: ['m', 2] },
        ...(keepHidden ? [{ name: 'p', type: ElemType.FLOAT, dims: ['m', 'h'] }, { name: 'q', type: ElemType.FLOAT, dims: ['m', 'h'] }] : []),
      ],
      nodes: [
        { op: 'Gemm', inputs: ['e', 'w0', 'b0'], outputs: ['p'], attrs: { transB: intAttr(1) } },
        { op: 'PRelu', inputs: ['p', 'slope'], outputs: ['q'] },
        { op: 'Gemm', inputs: ['q', 'w2', 'b2'], outputs: ['logits'], attrs: { transB: intAttr(1) } },
      ],
    }), { e: [e, [m, inW]], w0: [w0, [hidden, inW]], b0: [b0, [hidden]], slope: [slope, [hidden]], w2: [w2, [2, hidden]], b2: [b2, [2]] });
    const logits = out.logits!.data as Float32Array;
    return keepHidden ? { logits, p: out.p!.data as Float32Array, q: out.q!.data as Float32Array } : { logits };
  }

  /**
   * For each row of A (m×k), the `top` largest entries of A·Bᵀ (B is n×k, row-major, so a block of
   * rows of a feature matrix can be passed as it is) in decreasing order, ties by lower column
   * (ONNX TopK's documented tie-break): values m×top and column indices m×top.
   */
  async gemmTopK(a: Float32Array, b: Float32Array, m: number, k: number, n: number, top: number): Promise<{ values: Float32Array; indices: BigInt64Array }> {
    const out = await this.run('gemm_topk', () => ({
      name: 'gemm_topk',
      inputs: [
        { name: 'a', type: ElemType.FLOAT, dims: ['m', 'k'] },
        { name: 'b', type: ElemType.FLOAT, dims: ['n', 'k'] },
        { name: 'top', type: ElemType.INT64, dims: [1] },
      ],
      outputs: [{ name: 'values', type: ElemType.FLOAT, dims: ['m', 't'] }, { name: 'indices', type: ElemType.INT64, dims: ['m', 't'] }],
      nodes: [
        { op: 'Gemm', inputs: ['a', 'b'], outputs: ['s'], attrs: { transB: intAttr(1) } },
        { op: 'TopK', inputs: ['s', 'top'], outputs: ['values', 'indices'], attrs: { axis: intAttr(-1), largest: intAttr(1), sorted: intAttr(1) } },
      ],
    }), { a: [a, [m, k]], b: [b, [n, k]], top: [BigInt64Array.of(BigInt(top)), [1]] });
    return { values: out.values!.data as Float32Array, indices: out.indices!.data as BigInt64Array };
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (s) => (await s).release()));
  }
}
