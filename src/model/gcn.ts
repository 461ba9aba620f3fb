/**
 * The L-GCN (Wang et al. 2019, §3.2; the seed's model/gcn.py), forward and backward over a
 * GraphBatch:
 *   X₀ = BN(X)                                      BatchNorm, no affine
 *   Hₗ = ReLU([Hₗ₋₁ ‖ A·Hₗ₋₁]·Wₗ + bₗ), l = 1..4      widths D→512→512→256→256
 *   logits = PReLU(H₄[hop1]·W₅ᵀ + b₅)·W₆ᵀ + b₆        on the hop-1 rows only
 * Dense products go to a ComputeBackend; A·H is a sparse product here.
 */
import type { ComputeBackend } from '../engine/backend.js';
import { neededRows, type GraphBatch } from './batch.js';
import { firstLayerRows, type FirstLayerTable } from './first-layer.js';
import { architectureOf, BN_EPS, getParam, type Params } from './params.js';
import { spmm, transposeCsr, type Csr } from './sparse.js';

export type Mode = 'train' | 'eval';

interface ConvCache {
  z: Float32Array; // [H ‖ A·H], rows × 2·in
  y: Float32Array; // ReLU output, rows × out
  inW: number;
  outW: number;
}

export interface ForwardResult {
  /** rows × 2 logits of the scored links, in the order of batch.hop1Rows. */
  logits: Float32Array;
  /** Batch mean and biased variance of the input (train mode), for the running statistics. */
  batchStats?: { mean: Float64Array; variance: Float64Array; rows: number };
  cache?: { convs: ConvCache[]; e: Float32Array; p: Float32Array; q: Float32Array; transposed: Csr };
  /** Every stage's output, when asked for (parity tests). */
  stages?: Record<string, Float32Array>;
}

function batchNorm(params: Params, b: GraphBatch, d: number, mode: Mode): { x: Float32Array; stats?: ForwardResult['batchStats'] } {
  const n = b.rows;
  if (!b.x) throw new Error('this batch was made without input features');
  const input = b.x;
  const mean = new Float64Array(d), variance = new Float64Array(d);
  if (mode === 'train') {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += input[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) { const c = input[i * d + j]! - mean[j]!; variance[j]! += c * c; }
    for (let j = 0; j < d; j++) variance[j]! /= n;
  } else {
    mean.set(getParam(params, 'bn0.running_mean'));
    variance.set(getParam(params, 'bn0.running_var'));
  }
  const inv = variance.map((v) => 1 / Math.sqrt(v + BN_EPS));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (input[i * d + j]! - mean[j]!) * inv[j]!;
  return mode === 'train' ? { x, stats: { mean, variance, rows: n } } : { x };
}

/**
 * One graph convolution on batch rows `rows` (default all): Z = [H ‖ A·H] on those rows, built
 * here so that the backward pass can keep it, then Y = ReLU(Z·W + b) by the backend. Row r of
 * the batch is row `hRowOf[r]` of `h` (default r): a layer computed on some rows only is read in
 * place, without scattering it back to full height. With `scratch`, Z and Y are reused buffers
 * of the slots named in `slots`.
 */
async function conv(backend: ComputeBackend, b: GraphBatch, h: Float32Array, hRowOf: Int32Array | undefined, inW: number, outW: number, w: Float32Array,
  bias: Float32Array, rows?: Int32Array, scratch?: Scratch, slots?: { z: string; y: string }): Promise<ConvCache> {
  const n = rows ? rows.length : b.rows;
  const z = scratch && slots ? scratch.take(slots.z, n * 2 * inW) : new Float32Array(n * 2 * inW);
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k]! : k;
    const src = hRowOf ? hRowOf[r]! : r;
    z.set(h.subarray(src * inW, (src + 1) * inW), k * 2 * inW);
  }
  spmm(b, { ...(rows ? { rows } : {}), ...(hRowOf ? { srcRowOf: hRowOf } : {}), src: h, srcStride: inW, srcOffset: 0, width: inW, dst: z, dstStride: 2 * inW,
    dstOffset: inW, accumulate: false });
  const y = scratch && slots ? scratch.take(slots.y, n * outW) : undefined;
  return { z, y: await backend.graphConv(z, w, bias, n, inW, outW, y), inW, outW };
}

/**
 * Buffers reused from batch to batch (inference and training): fresh large arrays cost more in page faults
 * than the work done in them (18 ms to fault in 35 MB on the machine we measured, 1.7 ms to clear it).
 */
export class Scratch {
  private readonly buffers = new Map<string, Float32Array>();
  /** A view of `length` floats of the buffer named `slot`; its contents are left from earlier use. */
  take(slot: string, length: number): Float32Array {
    let b = this.buffers.get(slot);
    if (!b || b.length < length) { b = new Float32Array(Math.ceil(length * 1.25)); this.buffers.set(slot, b); }
    return b.subarray(0, length);
  }
}

/** pos[r] = k where rows[k] = r: where each batch row's output sits in a layer run on `rows`. */
function positions(rows: Int32Array, total: number): Int32Array {
  const pos = new Int32Array(total).fill(-1);
  for (let k = 0; k < rows.length; k++) pos[rows[k]!] = k;
  return pos;
}

/**
 * Inference that computes each layer only on the rows later layers read (see neededRows):
 * the same logits as the full forward pass, with less work on the last layers. With a
 * precomputed first layer the batch needs no input features.
 */
async function evalForward(params: Params, b: GraphBatch, backend: ComputeBackend, firstLayer?: FirstLayerTable,
  scratch = new Scratch()): Promise<Float32Array> {
  const { dim, widths, hidden } = architectureOf(params);
  const rowsPerLayer = neededRows(b, widths.length);
  const weight = (l: number) => getParam(params, `conv${l + 1}.weight`), bias = (l: number) => getParam(params, `conv${l + 1}.bias`);
  let h = firstLayer
    ? firstLayerRows(firstLayer, b, rowsPerLayer[0]!, scratch.take('y0', rowsPerLayer[0]!.length * widths[0]!))
    : (await conv(backend, b, batchNorm(params, b, dim, 'eval').x, undefined, dim, widths[0]!, weight(0), bias(0), rowsPerLayer[0], scratch, { z: 'z', y: 'y0' })).y;
  for (let l = 1; l < widths.length; l++) {
    // outputs alternate between two buffers: each layer reads the one before it
    h = (await conv(backend, b, h, positions(rowsPerLayer[l - 1]!, b.rows), widths[l - 1]!, widths[l]!, weight(l), bias(l), rowsPerLayer[l], scratch,
      { z: 'z', y: `y${l % 2}` })).y;
  }
  // the last layer ran on hop1Rows in order: its output is the classifier's input
  return (await backend.classifier(h, getParam(params, 'classifier.0.weight'), getParam(params, 'classifier.0.bias'), getParam(params, 'classifier.1.weight'),
    getParam(params, 'classifier.2.weight'), getParam(params, 'classifier.2.bias'), b.hop1Rows.length, widths[widths.length - 1]!, hidden, false)).logits;
}

export interface ForwardOptions {
  /** Keep every stage's output (parity tests); runs every layer on every row. */
  keepStages?: boolean;
  /** The first layer precomputed for the batch's data set (inference only). */
  firstLayer?: FirstLayerTable;
  /**
   * Buffers to reuse across batches. In train mode the forward pass's cache lives in them: it is
   * valid until the next forward pass with the same scratch.
   */
  scratch?: Scratch;
}

export async function gcnForward(params: Params, b: GraphBatch, backend: ComputeBackend, mode: Mode, options: ForwardOptions = {}): Promise<ForwardResult> {
  const { keepStages = false } = options;
  if (mode === 'eval' && !keepStages) return { logits: await evalForward(params, b, backend, options.firstLayer, options.scratch) };
  const { dim: d, widths, hidden: H } = architectureOf(params);
  const bn = batchNorm(params, b, d, mode);
  const stages: Record<string, Float32Array> = {};
  if (keepStages) stages.bn0 = bn.x;
  const convs: ConvCache[] = [];
  let h = bn.x, inW = d;
  for (let l = 0; l < widths.length; l++) {
    const outW = widths[l]!;
    const c = await conv(backend, b, h, undefined, inW, outW, getParam(params, `conv${l + 1}.weight`), getParam(params, `conv${l + 1}.bias`), undefined,
      options.scratch, { z: `z${l}`, y: `y${l}` });
    convs.push(c);
    if (keepStages) stages[`conv${l + 1}`] = c.y;
    h = c.y;
    inW = outW;
  }
  const m = b.hop1Rows.length;
  const e = new Float32Array(m * inW);
  for (let i = 0; i < m; i++) e.set(h.subarray(b.hop1Rows[i]! * inW, (b.hop1Rows[i]! + 1) * inW), i * inW);
  const cls = await backend.classifier(e, getParam(params, 'classifier.0.weight'), getParam(params, 'classifier.0.bias'), getParam(params, 'classifier.1.weight'),
    getParam(params, 'classifier.2.weight'), getParam(params, 'classifier.2.bias'), m, inW, H, mode === 'train');
  const { logits } = cls;
  const out: ForwardResult = { logits };
  if (bn.stats) out.batchStats = bn.stats;
  if (mode === 'train') out.cache = { convs, e, p: cls.p!, q: cls.q!, transposed: transposeCsr(b) };
  if (keepStages) out.stages = stages;
  return out;
}

/** The link probability from which the GCN says "one person": its two-way softmax's midpoint. */
export const GCN_SAME_PERSON = 0.5;

/** Probability that each link joins two faces of one identity: softmax(logits)[1]. */
export function linkProbabilities(logits: Float32Array): Float32Array {
  const m = logits.length / 2;
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) out[i] = 1 / (1 + Math.exp(logits[2 * i]! - logits[2 * i + 1]!));
  return out;
}

/** Mean cross-entropy of the links' logits against 0/1 targets, and its gradient. */
export function crossEntropy(logits: Float32Array, targets: Uint8Array): { loss: number; grad: Float32Array } {
  const m = targets.length;
  const grad = new Float32Array(m * 2);
  let loss = 0;
  for (let i = 0; i < m; i++) {
    const a = logits[2 * i]!, c = logits[2 * i + 1]!;
    const mx = Math.max(a, c);
    const lse = mx + Math.log(Math.exp(a - mx) + Math.exp(c - mx));
    const t = targets[i]!;
    loss += lse - (t === 1 ? c : a);
    const p1 = Math.exp(c - lse);
    grad[2 * i] = (1 - p1 - (t === 0 ? 1 : 0)) / m;
    grad[2 * i + 1] = (p1 - (t === 1 ? 1 : 0)) / m;
  }
  return { loss: loss / m, grad };
}

function colSum(x: Float32Array, rows: number, cols: number): Float32Array {
  const s = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s[j]! += x[i * cols + j]!;
  return Float32Array.from(s);
}

/** Gradients of the loss for every trainable parameter, given the logits' gradient. */
export async function gcnBackward(params: Params, b: GraphBatch, fwd: ForwardResult, dLogits: Float32Array,
  backend: ComputeBackend): Promise<Map<string, Float32Array>> {
  if (!fwd.cache) throw new Error('gcnBackward needs a forward pass in train mode');
  const { convs, e, p, q, transposed } = fwd.cache;
  const grads = new Map<string, Float32Array>();
  const m = b.hop1Rows.length;
  const H = architectureOf(params).hidden;
  // classifier.2: logits = Q·W₂ᵀ + b₂
  const w2 = getParam(params, 'classifier.2.weight');
  const dW2 = new Float32Array(2 * H), dQ = new Float32Array(m * H);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < 2; c++) {
      const g = dLogits[2 * i + c]!;
      if (g === 0) continue;
      for (let j = 0; j < H; j++) {
        dW2[c * H + j]! += g * q[i * H + j]!;
        dQ[i * H + j]! += g * w2[c * H + j]!;
      }
    }
  }
  grads.set('classifier.2.weight', dW2);
  grads.set('classifier.2.bias', colSum(dLogits, m, 2));
  // classifier.1: PReLU, dQ/dP = 1 or the slope; dQ/dslope = min(0, P)
  const slope = getParam(params, 'classifier.1.weight');
  const dP = new Float32Array(m * H), dSlope = new Float64Array(H);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < H; j++) {
      const v = p[i * H + j]!, g = dQ[i * H + j]!;
      if (v > 0) dP[i * H + j] = g;
      else {
        dP[i * H + j] = g * slope[j]!;
        dSlope[j]! += g * v;
      }
    }
  }
  grads.set('classifier.1.weight', Float32Array.from(dSlope));
  // classifier.0: P = E·W₁ᵀ + b₁
  const last = convs[convs.length - 1]!;
  grads.set('classifier.0.weight', await backend.gemm(dP, e, H, m, last.outW, true, false));
  grads.set('classifier.0.bias', colSum(dP, m, H));
  const dE = await backend.gemm(dP, getParam(params, 'classifier.0.weight'), m, H, last.outW, false, false);
  let dY: Float32Array = new Float32Array(b.rows * last.outW);
  for (let i = 0; i < m; i++) {
    const r = b.hop1Rows[i]! * last.outW;
    for (let j = 0; j < last.outW; j++) dY[r + j]! += dE[i * last.outW + j]!;
  }
  // graph convolutions, last to first
  for (let l = convs.length - 1; l >= 0; l--) {
    const { z, y, inW, outW } = convs[l]!;
    // BatchNorm has no parameters: the first layer's input needs no gradient
    const g = await backend.graphConvBackward(z, y, dY, getParam(params, `conv${l + 1}.weight`), b.rows, inW, outW, l > 0);
    grads.set(`conv${l + 1}.weight`, g.dw);
    grads.set(`conv${l + 1}.bias`, g.db);
    if (l === 0) break;
    // dH = dZ[:, :in] + Aᵀ·dZ[:, in:]
    dY = g.dzSelf!;
    spmm(transposed, { src: g.dzNeighbours!, srcStride: inW, srcOffset: 0, width: inW, dst: dY, dstStride: inW, dstOffset: 0, accumulate: true });
  }
  return grads;
}
