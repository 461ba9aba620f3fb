import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { JsBackend } from '../../engine/backend.js';
import { OnnxEngine } from '../../engine/onnx.js';
import { fail } from '../../errors.js';
import { checkEnoughFaces, IPS_TEST_DEFAULTS } from '../../ips/index.js';
import { buildKnn, l2Normalize } from '../../knn/index.js';
import { saveModel } from '../../model/files.node.js';
import { architectureOf } from '../../model/params.js';
import { readCheckpoint, writeCheckpoint } from '../../train/checkpoint.js';
import { TRAIN_DEFAULTS, trainGcn, type LabeledSet, type TrainSettings } from '../../train/index.js';
import type { Features } from '../../types.js';
import { BACKEND_OPTION, FEATURE_OPTIONS, QUIET_OPTION, THREADS_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { loadFeatures, loadKnn, loadLabels } from '../inputs.js';
import { formatDuration, Progress } from '../progress.js';

const D = TRAIN_DEFAULTS;

const TRAIN_OPTIONS = defineOptions({
  ...FEATURE_OPTIONS,
  labels: { type: 'string', help: 'identities (.npy or .meta)', required: true },
  knn: { type: 'string', help: 'kNN graph (.npy or .npz); built when not given' },
  out: { type: 'string', help: 'model folder (model.safetensors, config.json, checkpoint, log)', required: true },
  'k-at-hop': { type: 'integers', count: 2, min: 1, default: [D.ips.k1, D.ips.k2], help: 'hop-1 and hop-2 neighbours' },
  'active-connection': { type: 'integer', min: 1, default: D.ips.u, help: 'active connections u' },
  lr: { type: 'number', above: 0, default: D.lr, help: 'learning rate' },
  momentum: { type: 'number', min: 0, below: 1, default: D.momentum, help: 'SGD momentum' },
  'weight-decay': { type: 'number', min: 0, default: D.weightDecay, help: 'weight decay' },
  'batch-size': { type: 'integer', min: 1, default: D.batchSize, help: 'subgraphs per batch' },
  epochs: { type: 'integer', min: 1, default: D.epochs, help: 'epochs' },
  'lr-decay-epochs': { type: 'string', default: D.lrDecayEpochs.join(','), help: 'epochs (0-based, comma-separated) at whose start lr ×0.1' },
  seed: { type: 'integer', min: 0, default: D.seed, help: 'seed of initialisation and shuffling' },
  'val-features': { type: 'string', help: 'validation features: edge metrics after each epoch' },
  'val-labels': { type: 'string', help: 'validation identities' },
  resume: { type: 'boolean', help: 'continue from MODEL_DIR/checkpoint.safetensors' },
  ...BACKEND_OPTION,
  ...QUIET_OPTION,
  ...THREADS_OPTION,
});

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train the L-GCN on labelled faces',
  usage: 'train --features F.npy --labels L.npy [--knn KNN.npy] --out MODEL_DIR [--k-at-hop 200 10] [--epochs 4] [--resume]',
  options: TRAIN_OPTIONS,
}, runTrain);

function parseEpochList(s: string): number[] {
  if (s.trim() === '') return [];
  const parts = s.split(',').map((x) => x.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) fail('BAD_OPTION', `--lr-decay-epochs expects comma-separated whole numbers, got '${s}'`);
  return parts.map(Number);
}

async function runTrain(o: OptionValues<typeof TRAIN_OPTIONS>): Promise<void> {
  const hops = o['k-at-hop'];
  const settings: TrainSettings = {
    ips: { k1: hops[0]!, k2: hops[1]!, u: o['active-connection'] },
    lr: o.lr, momentum: o.momentum, weightDecay: o['weight-decay'],
    batchSize: o['batch-size'], epochs: o.epochs,
    lrDecayEpochs: parseEpochList(o['lr-decay-epochs']), lrDecay: D.lrDecay, seed: o.seed,
  };
  if (!(settings.lr > 0)) fail('BAD_OPTION', `--lr must be positive, got ${settings.lr}`);
  if (settings.epochs < 1) fail('BAD_OPTION', `--epochs must be at least 1, got ${settings.epochs}`);
  const dir = o.out;
  const checkpointPath = join(dir, 'checkpoint.safetensors');
  const logPath = join(dir, 'train.log.jsonl');
  const resume = o.resume ? readCheckpoint(checkpointPath, settings) : undefined;
  if (!o.resume && existsSync(checkpointPath)) fail('BAD_OPTION', 'a checkpoint is already here: pass --resume to continue it, or choose another --out', dir);

  const engine = o.backend === 'js' ? undefined : new OnnxEngine(o.threads === undefined ? {} : { threads: o.threads });
  const backend = engine ?? new JsBackend();
  try {
    const load = async (featPath: string, labelsPath: string, knnPath?: string): Promise<LabeledSet> => {
      const features: Features = l2Normalize(loadFeatures(featPath, o.dim), featPath);
      const labels = loadLabels(labelsPath, features.n);
      checkEnoughFaces(settings.ips.k1, features.n, featPath);
      const knn = knnPath ? loadKnn(knnPath, features.n, settings.ips.k1) : await buildKnn(features, { k: settings.ips.k1, normalized: true,
        ...(engine ? { engine } : {}) });
      return { features, knn, labels };
    };
    const data = await load(o.features, o.labels, o.knn);
    if ((o['val-features'] === undefined) !== (o['val-labels'] === undefined)) fail('BAD_OPTION', '--val-features and --val-labels go together');
    const validation = o['val-features'] !== undefined && o['val-labels'] !== undefined ? await load(o['val-features'], o['val-labels']) : undefined;
    if (resume && architectureOf(resume.params).dim !== data.features.dim) fail('SHAPE_MISMATCH', `checkpoint takes ${architectureOf(resume.params).dim}-d features, these are ${data.features.dim}-d`, checkpointPath);
    mkdirSync(dir, { recursive: true });
    const started = performance.now();
    let progress = new Progress(`epoch ${(resume?.epoch ?? 0) + 1}/${settings.epochs}`, 'batches', o.quiet);
    const state = await trainGcn(data, {
      settings, backend, ...(resume ? { resume } : {}), ...(validation ? { validation } : {}),
      onBatch: ({ batch, batches }) => progress.update(batch, batches),
      onEpoch: (st, log) => {
        progress.done();
        writeCheckpoint(checkpointPath, st, settings);
        appendFileSync(logPath, `${JSON.stringify(log)}\n`);
        const v = log.validation ? `  val P ${log.validation.precision.toFixed(3)} R ${log.validation.recall.toFixed(3)}` : '';
        if (!o.quiet) console.error(`epoch ${log.epoch}: loss ${log.loss.toFixed(4)}  train P ${log.train.precision.toFixed(3)} R ${log.train.recall.toFixed(3)}${v}  ${formatDuration(log.seconds)}`);
        progress = new Progress(`epoch ${log.epoch + 1}/${settings.epochs}`, 'batches', o.quiet);
      },
    });
    const identities = new Set(data.labels).size;
    saveModel(dir, {
      params: state.params,
      config: {
        format: 'facecluster-lgcn', version: 1, architecture: architectureOf(state.params), normalize: 'l2',
        trainIps: settings.ips, ips: { ...IPS_TEST_DEFAULTS },
        training: {
          data: { features: basename(o.features), faces: data.features.n, identities },
          settings, history: state.history,
          seconds_this_run: Math.round((performance.now() - started) / 1000),
          finished: new Date().toISOString(),
        },
      },
    });
  } finally {
    await engine?.dispose();
  }
}
