/**
 * Training the L-GCN as the seed's train.py: every face is a pivot once an epoch, in an order
 * shuffled from the seed; batches of subgraphs; cross-entropy over the hop-1 links; SGD with
 * momentum and weight decay; the learning rate ×0.1 at the start of each epoch listed in
 * `lrDecayEpochs` (seed: 1, 2, 3, 4). Deterministic for a given seed, and resumable from the
 * state after any epoch (the order of epoch e depends only on the seed and e).
 */
import type { ComputeBackend } from '../engine/backend.js';
import { fail } from '../errors.js';
import { IPS_TRAIN_DEFAULTS, IpsBuilder, type IpsOptions, type Subgraph } from '../ips/index.js';
import { edgeMetrics, type EdgeMetrics } from '../metrics/index.js';
import { makeBatch } from '../model/batch.js';
import { crossEntropy, GCN_SAME_PERSON, gcnBackward, gcnForward, Scratch } from '../model/gcn.js';
import { BN_MOMENTUM, getParam, initParams, seedArchitecture, type Architecture, type Params } from '../model/params.js';
import { scoreLinks } from '../model/score.js';
import { seededRandom, shuffledRange } from '../random.js';
import type { Features, KnnGraph } from '../types.js';
import { Sgd } from './sgd.js';

export interface TrainSettings {
  ips: IpsOptions;
  lr: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
  /** Epochs (0-based) at whose start the learning rate is multiplied by `lrDecay`. */
  lrDecayEpochs: number[];
  lrDecay: number;
  seed: number;
}

/** The seed's train.py defaults. */
export const TRAIN_DEFAULTS: Readonly<TrainSettings> = Object.freeze({
  ips: IPS_TRAIN_DEFAULTS, lr: 0.01, momentum: 0.9, weightDecay: 1e-4, batchSize: 16, epochs: 4,
  lrDecayEpochs: [1, 2, 3, 4], lrDecay: 0.1, seed: 1,
});

export interface EpochLog {
  epoch: number;
  lr: number;
  loss: number;
  /** Edge classification at p > 0.5 over the epoch's training links. */
  train: { precision: number; recall: number; accuracy: number };
  validation?: EdgeMetrics;
  seconds: number;
}

/** Everything needed to continue after `epoch` completed epochs. */
export interface TrainState {
  epoch: number;
  params: Params;
  velocity: Map<string, Float32Array>;
  history: EpochLog[];
}

export interface LabeledSet {
  features: Features;
  knn: KnnGraph;
  labels: Int32Array;
}

export interface TrainOptions {
  settings: TrainSettings;
  backend: ComputeBackend;
  architecture?: Architecture;
  resume?: TrainState;
  validation?: LabeledSet;
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  /** Stops training before the next batch (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Called after every epoch with the state to checkpoint. */
  onEpoch?: (state: TrainState, log: EpochLog) => void;
}

export function learningRate(s: TrainSettings, epoch: number): number {
  return s.lr * s.lrDecay ** s.lrDecayEpochs.filter((e) => e <= epoch).length;
}

export async function trainGcn(data: LabeledSet, options: TrainOptions): Promise<TrainState> {
  const { settings: s, backend } = options;
  const { features, knn, labels } = data;
  if (labels.length !== features.n) fail('SHAPE_MISMATCH', `${labels.length} labels for ${features.n} faces`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) fail('BAD_OPTION', `batch size must be a positive integer, got ${s.batchSize}`);
  const builder = new IpsBuilder(knn, s.ips);
  const state: TrainState = options.resume ?? {
    epoch: 0,
    params: initParams(options.architecture ?? seedArchitecture(features.dim), s.seed),
    velocity: new Map(),
    history: [],
  };
  const sgd = new Sgd({ lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay });
  for (const [k, v] of state.velocity) sgd.velocity.set(k, v);
  const batches = Math.ceil(features.n / s.batchSize);
  const scratch = new Scratch(); // the forward pass's buffers, reused from batch to batch
  for (let epoch = state.epoch; epoch < s.epochs; epoch++) {
    const t0 = performance.now();
    sgd.options.lr = learningRate(s, epoch);
    const order = shuffledRange(features.n, seededRandom(s.seed * 1000003 + epoch));
    let lossSum = 0, tp = 0, fp = 0, fn = 0, tn = 0;
    for (let bi = 0; bi < batches; bi++) {
      options.signal?.throwIfAborted();
      const group: Subgraph[] = [];
      for (let j = bi * s.batchSize; j < Math.min(features.n, (bi + 1) * s.batchSize); j++) group.push(builder.build(order[j]!));
      const batch = makeBatch(group, features);
      const targets = Uint8Array.from(batch.linkPivot, (p, i) => (labels[p] === labels[batch.linkNode[i]!] ? 1 : 0));
      const fwd = await gcnForward(state.params, batch, backend, 'train', { scratch });
      const { loss, grad } = crossEntropy(fwd.logits, targets);
      const grads = await gcnBackward(state.params, batch, fwd, grad, backend);
      sgd.step(state.params, grads);
      updateRunningStats(state.params, fwd.batchStats!);
      lossSum += loss;
      for (let i = 0; i < targets.length; i++) {
        const predicted = fwd.logits[2 * i + 1]! > fwd.logits[2 * i]!;
        if (predicted) targets[i] ? tp++ : fp++;
        else targets[i] ? fn++ : tn++;
      }
      options.onBatch?.({ epoch, batch: bi + 1, batches, loss });
    }
    const log: EpochLog = {
      epoch: epoch + 1,
      lr: sgd.options.lr,
      loss: lossSum / batches,
      train: { precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1, accuracy: (tp + tn) / Math.max(1, tp + fp + fn + tn) },
      seconds: 0,
    };
    if (options.validation) {
      const v = options.validation;
      const edges = await scoreLinks(state.params, v.features, v.knn, { ips: s.ips, backend });
      log.validation = edgeMetrics(edges, v.labels, GCN_SAME_PERSON);
    }
    log.seconds = (performance.now() - t0) / 1000;
    state.epoch = epoch + 1;
    state.velocity = sgd.velocity;
    state.history.push(log);
    options.onEpoch?.(state, log);
  }
  return state;
}

/** BatchNorm's running statistics after a training batch (PyTorch: unbiased variance, momentum 0.1). */
function updateRunningStats(params: Params, stats: { mean: Float64Array; variance: Float64Array; rows: number }): void {
  const mean = getParam(params, 'bn0.running_mean'), variance = getParam(params, 'bn0.running_var');
  const unbias = stats.rows > 1 ? stats.rows / (stats.rows - 1) : 1;
  for (let j = 0; j < mean.length; j++) {
    mean[j] = (1 - BN_MOMENTUM) * mean[j]! + BN_MOMENTUM * stats.mean[j]!;
    variance[j] = (1 - BN_MOMENTUM) * variance[j]! + BN_MOMENTUM * stats.variance[j]! * unbias;
  }
}

