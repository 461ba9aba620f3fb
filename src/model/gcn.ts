/**
 * The L-GCN (Wang et al. 2019, §3.2; the seed's model/gcn.py), forward and backward over a
 * GraphBatch:
 *   X₀ = BN(X)                                      BatchNorm, no affine
 *   Hₗ = ReLU([Hₗ₋₁ ‖ A·Hₗ₋₁]·Wₗ + bₗ), l = 1..4      widths D→512→512→256→256
 *   logits = PReLU(H₄[hop1]·W₅ᵀ + b₅)·W₆ᵀ + b₆        on the hop-1 rows only
 * Dense products go to a ComputeBackend; A·H is a sparse product here.
 */
import type { ComputeBackend } from '../engine/backend.js';
import { neededRows, spmmRows, spmmTransposedInto, type GraphBatch } from './batch.js';
import { architectureOf, BN_EPS, getParam, type Params } from './params.js';

export type Mode = 'train' | 'eval';

interface ConvCache {
  z: Float32Array; // [H ‖ A·H], rows × 2·in (train mode only)
  y: Float32Array; // ReLU output, rows × out
  inW: number;
  outW: number;
}

export interface ForwardResult {
  /** rows × 2 logits of the scored links, in the order of batch.hop1Rows. */
  logits: Float32Array;
  /** Batch mean and biased variance of the input (train mode), for the running statistics. */
  batchStats?: { mean: Float64Array; variance: Float64Array; rows: number };
  cache?: { convs: ConvCache[]; e: Float32Array; p: Float32Array; q: Float32Array };
  /** Every stage's output, when asked for (parity tests). */
  stages?: Record<string, Float32Array>;
}

function batchNorm(params: Params, b: GraphBatch, d: number, mode: Mode): { x: Float32Array; stats?: ForwardResult['batchStats'] } {
  const n = b.rows;
  const mean = new Float64Array(d), variance = new Float64Array(d);
  if (mode === 'train') {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += b.x[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) { const c = b.x[i * d + j]! - mean[j]!; variance[j]! += c * c; }
    for (let j = 0; j < d; j++) variance[j]! /= n;
  } else {
    mean.set(getParam(params, 'bn0.running_mean'));
    variance.set(getParam(params, 'bn0.running_var'));
  }
  const inv = variance.map((v) => 1 / Math.sqrt(v + BN_EPS));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (b.x[i * d + j]! - mean[j]!) * inv[j]!;
  return mode === 'train' ? { x, stats: { mean, variance, rows: n } } : { x };
}

async function convForward(backend: ComputeBackend, b: GraphBatch, h: Float32Array, inW: number, outW: number, w: Float32Array, bias: Float32Array, keep: boolean): Promise<ConvCache> {
  const all = Int32Array.from({ length: b.rows }, (_, i) => i);
  const { y, z } = await backend.graphConv(h, spmmRows(b, h, inW, all), w, bias, b.rows, inW, outW, keep);
  return { z: z ?? new Float32Array(0), y, inW, outW };
}

/** A graph convolution evaluated on `rows` only; returns those rows' outputs, in that order. */
async function convRows(backend: ComputeBackend, b: GraphBatch, h: Float32Array, inW: number, outW: number, w: Float32Array, bias: Float32Array, rows: Int32Array): Promise<Float32Array> {
  const hr = new Float32Array(rows.length * inW);
  for (let k = 0; k < rows.length; k++) hr.set(h.subarray(rows[k]! * inW, (rows[k]! + 1) * inW), k * inW);
  return (await backend.graphConv(hr, spmmRows(b, h, inW, rows), w, bias, rows.length, inW, outW, false)).y;
}

/**
 * Inference that computes each layer only on the rows later layers read (see neededRows):
 * the same logits as the full forward pass, with less work on the last layers.
 */
async function evalForward(params: Params, b: GraphBatch, backend: ComputeBackend, x: Float32Array): Promise<Float32Array> {
  const { dim, widths, hidden } = architectureOf(params);
  const rowsPerLayer = neededRows(b, widths.length);
  let h: Float32Array = x, inW = dim;
  let last: Float32Array = new Float32Array(0);
  for (let l = 0; l < widths.length; l++) {
    const outW = widths[l]!;
    const rows = rowsPerLayer[l]!;
    last = await convRows(backend, b, h, inW, outW, getParam(params, `conv${l + 1}.weight`), getParam(params, `conv${l + 1}.bias`), rows);
    if (l < widths.length - 1) {
      // scatter back to full height for the next layer's neighbour reads
      h = new Float32Array(b.rows * outW);
      for (let k = 0; k < rows.length; k++) h.set(last.subarray(k * outW, (k + 1) * outW), rows[k]! * outW);
    }
    inW = outW;
  }
  // the last layer ran on hop1Rows in order: its output is the classifier's input
  return (await backend.classifier(last, getParam(params, 'classifier.0.weight'), getParam(params, 'classifier.0.bias'), getParam(params, 'classifier.1.weight'),
    getParam(params, 'classifier.2.weight'), getParam(params, 'classifier.2.bias'), b.hop1Rows.length, inW, hidden, false)).logits;
}

export async function gcnForward(params: Params, b: GraphBatch, backend: ComputeBackend, mode: Mode, keepStages = false): Promise<ForwardResult> {
  const { dim: d, widths, hidden: H } = architectureOf(params);
  const bn = batchNorm(params, b, d, mode);
  if (mode === 'eval' && !keepStages) return { logits: await evalForward(params, b, backend, bn.x) };
  const stages: Record<string, Float32Array> = {};
  if (keepStages) stages.bn0 = bn.x;
  const convs: ConvCache[] = [];
  let h = bn.x, inW = d;
  for (let l = 0; l < widths.length; l++) {
    const outW = widths[l]!;
    const c = await convForward(backend, b, h, inW, outW, getParam(params, `conv${l + 1}.weight`), getParam(params, `conv${l + 1}.bias`), mode === 'train');
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
  if (mode === 'train') out.cache = { convs, e, p: cls.p!, q: cls.q! };
  if (keepStages) out.stages = stages;
  return out;
}

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
export async function gcnBackward(params: Params, b: GraphBatch, fwd: ForwardResult, dLogits: Float32Array, backend: ComputeBackend): Promise<Map<string, Float32Array>> {
  if (!fwd.cache) throw new Error('gcnBackward needs a forward pass in train mode');
  const { convs, e, p, q } = fwd.cache;
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
  let dY = new Float32Array(b.rows * last.outW);
  for (let i = 0; i < m; i++) {
    const r = b.hop1Rows[i]! * last.outW;
    for (let j = 0; j < last.outW; j++) dY[r + j]! += dE[i * last.outW + j]!;
  }
  // graph convolutions, last to first
  for (let l = convs.length - 1; l >= 0; l--) {
    const { z, y, inW, outW } = convs[l]!;
    for (let k = 0; k < dY.length; k++) if (!(y[k]! > 0)) dY[k] = 0;
    grads.set(`conv${l + 1}.weight`, await backend.gemm(z, dY, 2 * inW, b.rows, outW, true, false));
    grads.set(`conv${l + 1}.bias`, colSum(dY, b.rows, outW));
    if (l === 0) break; // BatchNorm has no parameters: the input needs no gradient
    const dZ = await backend.gemm(dY, getParam(params, `conv${l + 1}.weight`), b.rows, outW, 2 * inW, false, true);
    const dH = new Float32Array(b.rows * inW);
    for (let i = 0; i < b.rows; i++) dH.set(dZ.subarray(i * 2 * inW, i * 2 * inW + inW), i * inW);
    spmmTransposedInto(b, dZ, 2 * inW, inW, dH, inW, 0, inW);
    dY = dH;
  }
  return grads;
}
