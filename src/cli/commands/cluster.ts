
import { JsBackend } from '../../engine/backend.js';
import { checkLabelsPath, writeKnn, writeLabels, writeNpy } from '../../io/index.js';
import { writeReport } from './report.js';
import { nativeRuntimeInstalled } from '../../engine/runtime.node.js';
import { photoIds } from '../../io/faces.js';
import { fail } from '../../errors.js';
import { evaluate, edgeMetrics } from '../../metrics/index.js';
import { loadModel } from '../../model/files.node.js';
import { GCN_SAME_PERSON } from '../../model/gcn.js';
import { EARLY_STOP_DEFAULTS, INFOMAP_DEFAULTS, PROPAGATION_DEFAULTS } from '../../cluster/index.js';
import { BASELINE_DEFAULTS, clusterFaces, formatClusteringSummary, summarizeClustering, DEFAULT_LINKAGE, DEFAULT_METHOD, GCN_MIN_SCORES, EDGE_FILTERS,
  INFOMAP_METHOD_DEFAULTS, LINKAGES, METHODS, type ClusterOptions, type ClusterResult, type Method, type MethodOptions,
  type SharedClusterOptions } from '../../pipeline/cluster.js';
import { DEFAULT_MODEL_DIR } from '../../pipeline/defaults.node.js';
import { BACKEND_OPTION, DESCRIPTORS_OPTION, FEATURE_OPTIONS, KNN_SEARCH_OPTIONS, QUIET_OPTION, THREADS_OPTION, defineCommand, defineOptions,
  type OptionValues } from '../args.js';
import { formatEvaluation } from '../format.js';
import { COSINE_RANGE, descriptorsFrom, knnSearchFrom, loadConstraints, loadFaces, loadFeatures, loadKnn, loadLabels, parseAuto, truncateKnn } from '../inputs.js';
import { Progress } from '../progress.js';
import { JOB_FACES_OPTION, QUEUE_OPTIONS, queuedClustering, queuedRunFrom } from '../queue.js';

const CLUSTER_OPTIONS = defineOptions({
  ...FEATURE_OPTIONS,
  knn: { type: 'string', help: 'kNN graph (.npy or .npz); built when not given' },
  ...KNN_SEARCH_OPTIONS,
  method: { type: 'string', choices: METHODS, help: 'infomap: kNN links above a threshold read off the collection, then Infomap (no training, any descriptor model); gcn: L-GCN link scores, then --linkage; threshold: components of kNN links above --threshold; cdp: propagation over kNN similarities; online: the photo-server grouping (default infomap; gcn when --model, --k-at-hop or --active-connection is given)' },
  linkage: { type: 'string', choices: LINKAGES, default: DEFAULT_LINKAGE, help: 'gcn: how links become clusters: the seed\'s propagation, or Infomap over the links scoring ≥ --min-score' },
  rescore: { type: 'boolean', help: 'infomap: the GCN (--model, default the shipped one, for face-api descriptors) gives a second opinion on the kNN links, and those it scores at --min-score or more are kept too (helps small albums; costs the GCN\'s time)' },
  'edge-filter': { type: 'string', choices: [...EDGE_FILTERS, 'threshold'], default: 'cut',
    help: 'infomap: cut keeps the kNN links at or above --threshold; early-stop, FC-ES\'s neighbour-probability early stop (--theta, --sigma); threshold is the old name of cut' },
  theta: { type: 'number', min: 0, max: 1, default: EARLY_STOP_DEFAULTS.theta, help: 'infomap with --edge-filter early-stop: neighbour probability a link needs' },
  sigma: { type: 'string', default: 'auto', help: 'infomap with --edge-filter early-stop: softmax temperature on 2 − 2·cos, a number or auto (half the row\'s mean distance)' },
  trials: { type: 'integer', min: 1, default: INFOMAP_METHOD_DEFAULTS.trials, help: 'infomap, gcn with Infomap: searches from different random orders, the shortest code kept' },
  seed: { type: 'integer', min: 0, default: INFOMAP_DEFAULTS.seed, help: 'infomap, gcn with Infomap: seed of the first trial' },
  model: { type: 'string', help: 'gcn model folder (default: the shipped model)' },
  'k-at-hop': { type: 'integers', count: 2, min: 1, help: 'gcn: hop-1 and hop-2 neighbours (default: the model\'s, paper 80 5)' },
  'active-connection': { type: 'integer', min: 1, help: 'gcn: active connections u (default: the model\'s, paper 5)' },
  k: { type: 'integer', min: 1, help: `infomap and the baselines: neighbours per face (default ${BASELINE_DEFAULTS.k}, or all of a given --knn)` },
  threshold: { type: 'string', help: `infomap, threshold: cosine similarity a link needs (infomap: 0 to 1), or auto: read off the collection, where a face expects few links to other people (default: infomap auto, threshold ${BASELINE_DEFAULTS.threshold})` },
  ...DESCRIPTORS_OPTION,
  'max-distance': { type: 'number', min: 0, max: 2, default: BASELINE_DEFAULTS.maxDistance, help: 'online: cosine distance within which faces match' },
  'min-matches': { type: 'integer', min: 1, default: BASELINE_DEFAULTS.minMatches, help: 'online: matches (the face included) needed to start a person' },
  'min-faces': { type: 'integer', min: 1, help: 'the old name of --min-matches' },
  'max-size': { type: 'integer', min: 1, default: PROPAGATION_DEFAULTS.maxSize, help: 'gcn, cdp: largest cluster the propagation keeps whole' },
  step: { type: 'number', above: 0, max: 1, default: PROPAGATION_DEFAULTS.step, help: 'gcn, cdp: propagation threshold step toward 1' },
  'min-score': { type: 'number', min: 0, max: 1, help: `gcn, --rescore: the GCN probability a link needs (default: propagation ${GCN_MIN_SCORES.propagation}, Infomap linkage ${GCN_MIN_SCORES.infomap}, --rescore ${GCN_MIN_SCORES.rescore}); cdp: links scoring less are dropped before the propagation (default 0, as the seed)` },
  pool: { type: 'string', choices: ['avg', 'max', 'none'], default: 'avg', help: 'gcn, cdp: how the two scores of a pair combine' },
  out: { type: 'string', help: 'predicted cluster of each face (.npy or .meta)', required: true },
  labels: { type: 'string', help: 'true identities (.npy or .meta): print the metrics' },
  faces: { type: 'string', help: 'faces.json (one entry per face, with its "image"): faces of one image never share a cluster' },
  constraints: { type: 'string', help: 'answers to keep (apply --constraints-out): faces must-linked end together, cannot-linked apart' },
  report: { type: 'string', help: 'also write an HTML report (thumbnails from --faces)' },
  'knn-out': { type: 'string', help: 'write the kNN graph used (.npy or .npz), e.g. for a later assign' },
  'edges-out': { type: 'string', help: 'write the links, E×2 (face, neighbour) .npy: gcn, every scored link; infomap, the links kept' },
  'scores-out': { type: 'string', help: 'write the links\' scores, E float64 .npy: gcn, probabilities; infomap, cosines (or FC-ES probabilities)' },
  normalized: { type: 'boolean', help: 'features are unit vectors already' },
  ...BACKEND_OPTION,
  json: { type: 'boolean', help: 'print the metrics as one JSON object' },
  ...QUEUE_OPTIONS,
  ...JOB_FACES_OPTION,
  ...QUIET_OPTION,
  ...THREADS_OPTION,
});

export const clusterCommand = defineCommand({
  name: 'cluster',
  summary: 'group faces by identity',
  usage: 'cluster --features F.npy --out PRED.npy [--labels L.npy] [--method infomap|gcn|threshold|cdp|online] [--threshold auto|COS] [--model DIR] [--knn KNN.npy]',
  options: CLUSTER_OPTIONS,
}, runCluster);

async function runCluster(o: OptionValues<typeof CLUSTER_OPTIONS>): Promise<void> {
  const featuresPath = o.features;
  // every option is checked before any file is read
  const sigma = parseAuto(o.sigma, 'sigma', { above: 0 });
  const threshold = o.threshold === undefined ? undefined : parseAuto(o.threshold, 'threshold', COSINE_RANGE);
  const knnSearch = knnSearchFrom(o);
  if (o.queue !== undefined && o['knn-method'] === 'hnsw') fail('BAD_OPTION', '--queue builds the exact kNN graph in jobs; --knn-method hnsw runs on one machine');
  checkLabelsPath(o.out);
  if (o.report !== undefined && !o.report.toLowerCase().endsWith('.html')) fail('UNSUPPORTED', 'the report is written as .html', o.report);
  const features = loadFeatures(featuresPath, o.dim);
  const labels = o.labels === undefined ? undefined : loadLabels(o.labels, features.n);
  // a model or subgraph settings ask for the GCN
  const gcnAsked = !o.rescore && (o.model !== undefined || o['k-at-hop'] !== undefined || o['active-connection'] !== undefined);
  const method = o.method ?? (gcnAsked ? 'gcn' : DEFAULT_METHOD);
  if (o.rescore && method !== 'infomap') fail('BAD_OPTION', `--rescore gives a second opinion on the infomap method's links; --method ${method} has none`);
  // Infomap's links are weighted by their cosine, which may not be negative
  if (method === 'infomap' && typeof threshold === 'number' && threshold < 0) fail('BAD_OPTION', `--threshold ${threshold}: the infomap method needs a cosine from 0 to 1 (or auto)`);
  const faces = loadFaces(o.faces, features.n);
  const descriptors = descriptorsFrom(o, faces);
  const constraints = o.constraints === undefined ? undefined : loadConstraints(o.constraints, features.n, faces, o.quiet);
  const edgeFilter = o['edge-filter'] === 'threshold' ? 'cut' : o['edge-filter'];
  if (o['edge-filter'] === 'threshold') console.error("facecluster: note: '--edge-filter threshold' is now called '--edge-filter cut'");
  if (o['min-faces'] !== undefined) console.error('facecluster: note: --min-faces is now called --min-matches');
  const minMatches = o['min-faces'] ?? o['min-matches'];
  const started = performance.now();
  if (!o.quiet && !(await nativeRuntimeInstalled())) {
    console.error('facecluster: note: onnxruntime-node is not installed (its install fetches CUDA files from outside the npm registry), so the WebAssembly kernels run, about 3× slower; `npm install onnxruntime-node` where that works adds the native ones');
  }
  const bars = { knn: new Progress('kNN', 'faces', o.quiet), gcn: new Progress('GCN', 'subgraphs', o.quiet),
    infomap: new Progress('Infomap', 'trials', o.quiet) };
  // the GCN's model and subgraph settings, for gcn and --rescore
  const model = method === 'gcn' || o.rescore ? loadModel(o.model ?? DEFAULT_MODEL_DIR) : undefined;
  const hops = o['k-at-hop'], u = o['active-connection'];
  const ips = model && (hops || u !== undefined)
    ? { k1: hops?.[0] ?? model.config.ips.k1, k2: hops?.[1] ?? model.config.ips.k2, u: u ?? model.config.ips.u } : undefined;
  const scoring = { ...(model ? { model } : {}), ...(ips ? { ips } : {}) };
  let knn = o.knn === undefined ? undefined : loadKnn(o.knn, features.n, o.k ?? ips?.k1 ?? 1);
  if (knn && method !== 'gcn' && o.k !== undefined) knn = truncateKnn(knn, o.k);
  const shared: SharedClusterOptions = {
    normalized: o.normalized,
    source: featuresPath,
    knnSearch,
    ...(knn ? { knn } : {}),
    ...(o.backend === 'js' ? { backend: new JsBackend() } : {}),
    ...(o.threads !== undefined ? { workers: o.threads } : {}),
    onProgress: (stage, done, total) => bars[stage].update(done, total),
    onNotice: (m) => console.error(`facecluster: note: ${m}`),
    ...(faces ? { photos: photoIds(faces.map((f) => f.image)) } : {}),
    ...(constraints ? { constraints } : {}),
  };
  const k = o.k !== undefined ? { k: o.k } : {};
  const minScore = o['min-score'] !== undefined ? { minScore: o['min-score'] } : {};
  const search = { trials: o.trials, seed: o.seed };
  const propagation = { maxSize: o['max-size'], step: o.step, pool: o.pool };
  const cut = { ...(threshold !== undefined ? { threshold } : {}), ...(descriptors !== undefined ? { descriptors } : {}) };
  const byMethod: { [M in Method]: () => MethodOptions[M] } = {
    infomap: () => ({ method: 'infomap', ...k, ...cut, ...search, ...scoring, ...minScore, edgeFilter, earlyStop: { theta: o.theta, sigma },
      ...(o.rescore ? { rescore: true } : {}) }),
    gcn: () => ({ method: 'gcn', ...scoring, ...search, ...minScore, linkage: o.linkage, propagation }),
    threshold: () => ({ method: 'threshold', ...k, ...cut }),
    // cdp's --min-score is its propagation's: links under a cosine are dropped first
    cdp: () => ({ method: 'cdp', ...k, propagation: { ...propagation, ...minScore } }),
    online: () => ({ method: 'online', ...k, maxDistance: o['max-distance'], minMatches }),
  };
  const options: ClusterOptions = { ...shared, ...byMethod[method]() };
  const queuedRun = await queuedRunFrom(o, o.quiet);
  const queued = queuedRun && queuedClustering(queuedRun, model, o.model ?? DEFAULT_MODEL_DIR);
  let result: ClusterResult | undefined;
  try {
    result = await clusterFaces(features, { ...options, ...queued?.hooks });
  } finally {
    await queued?.finish(result !== undefined);
  }
  for (const bar of Object.values(bars)) bar.done();
  writeLabels(o.out, result.labels);
  if (o['knn-out'] !== undefined) writeKnn(o['knn-out'], result.knn);
  const edges = result.edges;
  if (edges && o['edges-out'] !== undefined) {
    const pairs = new Int32Array(edges.src.length * 2);
    for (let e = 0; e < edges.src.length; e++) { pairs[2 * e] = edges.src[e]!; pairs[2 * e + 1] = edges.dst[e]!; }
    writeNpy(o['edges-out'], pairs, [edges.src.length, 2], 'i8');
  }
  if (edges && o['scores-out'] !== undefined) writeNpy(o['scores-out'], edges.score, [edges.score.length], 'f8');
  if (o.report !== undefined) {
    const title = `facecluster: ${featuresPath}`;
    await writeReport(o.report, { labels: result.labels, ...(labels ? { truth: labels } : {}), ...(edges ? { edges } : {}), title }, o, faces);
  }
  const summary = summarizeClustering(result, (performance.now() - started) / 1000);
  if (!o.quiet) console.error(`facecluster: ${formatClusteringSummary(summary)}`);
  if (o.json && !labels) console.log(JSON.stringify({ summary }));
  if (labels) {
    const ev = evaluate(labels, result.labels);
    const links = edges && method === 'gcn' ? edgeMetrics(edges, labels, GCN_SAME_PERSON) : undefined;
    if (o.json) console.log(JSON.stringify({ ...ev, ...(links ? { links } : {}), summary }));
    else {
      console.log(formatEvaluation(ev));
      if (links) console.log(`links at p > ${GCN_SAME_PERSON}: precision ${links.precision.toFixed(4)}  recall ${links.recall.toFixed(4)}  accuracy ${links.accuracy.toFixed(4)}  (${links.edges} links, ${(100 * links.positiveRate).toFixed(1)}% true)`);
    }
  }
}
