import { knnEdges, propagate, thresholdComponents, type Pool } from '../../cluster/index.js';
import { OnnxEngine } from '../../engine/onnx.js';
import { fail } from '../../errors.js';
import { writeLabels } from '../../io/index.js';
import { buildKnn, l2Normalize } from '../../knn/index.js';
import { evaluate } from '../../metrics/index.js';
import type { KnnGraph } from '../../types.js';
import type { CommandSpec, ParsedOptions } from '../args.js';
import { formatEvaluation } from '../format.js';
import { loadFeatures, loadKnn, loadLabels, truncateKnn } from '../inputs.js';
import { Progress } from '../progress.js';

/**
 * Cosine-similarity threshold of the `threshold` method, chosen on lfw-train (see README); it is
 * specific to the feature model, so users of other models should tune it.
 */
export const DEFAULT_THRESHOLD = 0.955;
export const DEFAULT_K = 80;

export const clusterCommand: CommandSpec = {
  name: 'cluster',
  summary: 'group faces by identity',
  usage: 'cluster --features F.npy [--knn KNN.npy] [--method threshold|cdp] --out PRED.npy [--labels L.npy]',
  options: {
    features: { type: 'string', help: 'face features, N×D (.npy, or .bin with --dim)', required: true },
    dim: { type: 'integer', help: 'row width of .bin features' },
    knn: { type: 'string', help: 'kNN graph (.npy or .npz); built when not given' },
    k: { type: 'integer', help: `neighbours per face (default ${DEFAULT_K}, or all of a given --knn)` },
    method: { type: 'string', choices: ['threshold', 'cdp'], default: 'threshold', help: 'threshold: components of kNN links above --threshold; cdp: the seed\'s propagation over kNN similarities' },
    threshold: { type: 'number', default: DEFAULT_THRESHOLD, help: 'cosine similarity a link needs (method threshold)' },
    'max-size': { type: 'integer', default: 900, help: 'largest cluster the propagation keeps whole' },
    step: { type: 'number', default: 0.6, help: 'propagation threshold step toward 1' },
    pool: { type: 'string', choices: ['avg', 'max', 'none'], default: 'avg', help: 'how the two scores of a pair combine' },
    out: { type: 'string', help: 'predicted cluster of each face (.npy or .meta)', required: true },
    labels: { type: 'string', help: 'true identities (.npy or .meta): print the metrics' },
    normalized: { type: 'boolean', help: 'features are unit vectors already' },
    json: { type: 'boolean', help: 'print the metrics as one JSON object' },
    threads: { type: 'integer', help: 'engine threads (default: all cores)' },
    quiet: { type: 'boolean', help: 'no progress display' },
  },
};

export async function runCluster(o: ParsedOptions): Promise<void> {
  const featuresPath = o.features as string;
  const raw = loadFeatures(featuresPath, o.dim as number | undefined);
  const features = o.normalized ? raw : l2Normalize(raw, featuresPath);
  const labels = o.labels === undefined ? undefined : loadLabels(o.labels as string, features.n);
  let knn: KnnGraph;
  if (o.knn !== undefined) {
    const given = loadKnn(o.knn as string, features.n, (o.k as number | undefined) ?? 1);
    knn = truncateKnn(given, (o.k as number | undefined) ?? given.k);
  } else {
    const k = (o.k as number | undefined) ?? Math.min(DEFAULT_K, features.n - 1);
    if (k < 1) fail('BAD_VALUE', 'at least two faces are needed to cluster', featuresPath);
    const engine = new OnnxEngine(o.threads === undefined ? {} : { threads: o.threads as number });
    const progress = new Progress('kNN', 'faces', o.quiet as boolean);
    try {
      knn = await buildKnn(features, { k, normalized: true, engine, onProgress: progress.update });
    } finally {
      await engine.dispose();
    }
    progress.done();
  }
  const edges = knnEdges(knn, features);
  const pred = o.method === 'threshold'
    ? thresholdComponents(edges, features.n, o.threshold as number)
    : propagate(edges, features.n, { maxSize: o['max-size'] as number, step: o.step as number, pool: o.pool as Pool });
  writeLabels(o.out as string, pred);
  if (labels) {
    const ev = evaluate(labels, pred);
    console.log(o.json ? JSON.stringify(ev) : formatEvaluation(ev));
  }
}
