import { OnnxEngine } from '../../engine/onnx.js';
import { buildKnn, knnMethodFor, knnRecall, KNN_DEFAULTS } from '../../knn/index.js';
import { writeKnn, writeSims } from '../../io/index.js';
import { FEATURE_OPTIONS, KNN_SEARCH_OPTIONS, QUIET_OPTION, THREADS_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { knnSearchFrom, loadFeatures } from '../inputs.js';
import { Progress } from '../progress.js';

const KNN_OPTIONS = defineOptions({
  ...FEATURE_OPTIONS,
  k: { type: 'integer', min: 1, help: 'neighbours per face, not counting itself', default: KNN_DEFAULTS.k },
  out: { type: 'string', help: 'kNN graph: .npy (N×(K+1), self first) or .npz (learn-to-cluster)', required: true },
  'sims-out': { type: 'string', help: 'also write the similarities, N×(K+1) float32 .npy' },
  normalized: { type: 'boolean', help: 'features are unit vectors already: skip L2 normalisation' },
  ...KNN_SEARCH_OPTIONS,
  'check-recall': { type: 'boolean', help: 'measure recall@K against exact search on --recall-queries sampled faces, and print it' },
  'recall-queries': { type: 'integer', min: 1, default: KNN_DEFAULTS.recallQueries, help: 'faces sampled by --check-recall' },
  json: { type: 'boolean', help: 'print what was done (method, seconds, recall) as one JSON object' },
  ...QUIET_OPTION,
  ...THREADS_OPTION,
});

export const knnCommand = defineCommand({
  name: 'knn',
  summary: 'build the cosine kNN graph of a set of face features (exact, or HNSW for large sets)',
  usage: 'knn --features F.npy [--k 80] --out KNN.npy|KNN.npz [--sims-out S.npy] [--knn-method exact|hnsw|auto] [--index-out I.usearch] [--check-recall]',
  options: KNN_OPTIONS,
}, runKnn);

async function runKnn(o: OptionValues<typeof KNN_OPTIONS>): Promise<void> {
  const search = knnSearchFrom(o);
  const features = loadFeatures(o.features, o.dim);
  const k = o.k;
  const progress = new Progress('kNN', 'faces', o.quiet);
  const engine = new OnnxEngine(o.threads === undefined ? {} : { threads: o.threads });
  try {
    const started = performance.now();
    const knn = await buildKnn(features, { k, normalized: o.normalized === true, ...search, engine, onProgress: progress.update });
    progress.done();
    const summary: Record<string, number | string> = {
      n: features.n, k, method: knnMethodFor(features.n, features.dim, search),
      seconds: Math.round(performance.now() - started) / 1000,
    };
    writeKnn(o.out, knn);
    if (o['sims-out'] !== undefined) writeSims(o['sims-out'], knn);
    if (o['check-recall']) {
      const { recall, queries } = await knnRecall(features, knn, { queries: o['recall-queries'], normalized: o.normalized === true, engine });
      Object.assign(summary, { recall, recall_queries: queries });
      if (!o.json) console.log(`recall@${k} of the ${summary.method} graph against exact search, over ${queries} sampled faces: ${recall.toFixed(4)}`);
    }
    if (o.json) console.log(JSON.stringify(summary));
  } finally {
    await engine.dispose();
  }
}
