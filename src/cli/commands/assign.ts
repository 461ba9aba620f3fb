import { checkLabelsPath, writeFeatures, writeKnn, writeLabels } from '../../io/index.js';
import { evaluate } from '../../metrics/index.js';
import { loadModel } from '../../model/files.node.js';
import { ASSIGN_DEFAULTS, assignFaces, type SharedAssignOptions } from '../../pipeline/assign.js';
import { JsBackend } from '../../engine/backend.js';
import { fail } from '../../errors.js';
import { BACKEND_OPTION, DESCRIPTORS_OPTION, KNN_SEARCH_OPTIONS, QUIET_OPTION, THREADS_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { formatEvaluation } from '../format.js';
import { COSINE_RANGE, descriptorsFrom, knnSearchFrom, loadConstraints, loadFaces, loadFeatures, loadKnn, loadLabels, parseAuto } from '../inputs.js';
import { loadHnswIndex } from '../../knn/index.js';
import { Progress } from '../progress.js';

const ASSIGN_OPTIONS = defineOptions({
  features: { type: 'string', help: 'features of the faces already clustered, N×D .npy', required: true },
  clusters: { type: 'string', help: 'their clusters (cluster --out, or an earlier assign --out)', required: true },
  knn: { type: 'string', help: 'their kNN graph (cluster --knn-out, or an earlier assign --knn-out)', required: true },
  new: { type: 'string', help: 'features of the new faces, M×D .npy', required: true },
  out: { type: 'string', help: 'clusters of all N + M faces, old ones unchanged (.npy or .meta)', required: true },
  'knn-out': { type: 'string', help: 'kNN graph of all faces, for the next assign' },
  'features-out': { type: 'string', help: 'features of all faces (old, then new), for the next assign' },
  index: { type: 'string', help: 'the old faces\' HNSW index (knn/cluster --index-out): new faces are added to it and searched there; --index-out saves the grown one' },
  ...KNN_SEARCH_OPTIONS,
  method: { type: 'string', choices: ['infomap', 'gcn'], help: 'how new faces are linked: kNN links at or above a cosine, or GCN link scores (default: infomap, as cluster\'s default; gcn when --model is given)' },
  model: { type: 'string', help: 'gcn model folder (default: the shipped model)' },
  threshold: { type: 'string', help: 'infomap: the cosine a link needs, or auto: read off all the faces, as cluster does (default auto)' },
  'min-score': { type: 'number', min: 0, max: 1, help: `gcn: the GCN probability a link needs (default ${ASSIGN_DEFAULTS.minScore})` },
  labels: { type: 'string', help: 'true identities of all N + M faces: print the metrics' },
  constraints: { type: 'string', help: 'answers to keep over all N + M faces (apply --constraints-out)' },
  faces: { type: 'string', help: 'faces.json of all N + M faces, old then new (for --constraints that name faces by photo)' },
  ...BACKEND_OPTION,
  json: { type: 'boolean', help: 'print a summary (and metrics) as one JSON object' },
  ...DESCRIPTORS_OPTION,
  ...QUIET_OPTION,
  ...THREADS_OPTION,
});

export const assignCommand = defineCommand({
  name: 'assign',
  summary: 'add new faces to an existing clustering, in time proportional to the new faces',
  usage: 'assign --features OLD.npy --clusters OLD_PRED.npy --knn OLD_KNN.npy --new NEW.npy --out ALL_PRED.npy [--knn-out ALL_KNN.npy] [--features-out ALL.npy]',
  options: ASSIGN_OPTIONS,
}, runAssign);

async function runAssign(o: OptionValues<typeof ASSIGN_OPTIONS>): Promise<void> {
  checkLabelsPath(o.out);
  const threshold = o.threshold === undefined ? undefined : parseAuto(o.threshold, 'threshold', COSINE_RANGE);
  const descriptors = descriptorsFrom(o);
  const method = o.method ?? (o.model !== undefined ? 'gcn' : 'infomap');
  // 0.1 took the gcn method's cut as --threshold
  if (method === 'gcn' && threshold !== undefined) console.error('facecluster: note: --threshold with --method gcn is now called --min-score');
  const minScore = o['min-score'] ?? (method === 'gcn' && typeof threshold === 'number' ? threshold : undefined);
  const knnSearch = knnSearchFrom(o);
  const old = loadFeatures(o.features);
  const fresh = loadFeatures(o.new);
  if (fresh.dim !== old.dim) fail('SHAPE_MISMATCH', `new faces are ${fresh.dim}-d, the old ones ${old.dim}-d`, o.new);
  const clusters = loadLabels(o.clusters, old.n);
  const knn = loadKnn(o.knn, old.n);
  const all = { n: old.n + fresh.n, dim: old.dim, data: new Float32Array(old.data.length + fresh.data.length) };
  all.data.set(old.data);
  all.data.set(fresh.data, old.data.length);
  const truth = o.labels === undefined ? undefined : loadLabels(o.labels, all.n);
  const faces = loadFaces(o.faces, all.n, ' (old and new)');
  const constraints = o.constraints === undefined ? undefined : loadConstraints(o.constraints, all.n, faces, o.quiet);
  const bars = { knn: new Progress('kNN', 'faces', o.quiet), gcn: new Progress('GCN', 'subgraphs', o.quiet) };
  const index = o.index === undefined ? undefined : loadHnswIndex(o.index, old.dim, old.n, knnSearch.hnsw);
  const shared: SharedAssignOptions = {
    knnSearch,
    ...(index ? { index } : {}),
    ...(o.backend === 'js' ? { backend: new JsBackend() } : {}),
    ...(o.threads !== undefined ? { workers: o.threads } : {}),
    onProgress: (stage, done, total) => bars[stage].update(done, total),
    ...(constraints ? { constraints } : {}),
  };
  const result = await assignFaces(all, clusters, knn, method === 'gcn'
    ? { ...shared, method, ...(o.model !== undefined ? { model: loadModel(o.model) } : {}), ...(minScore !== undefined ? { minScore } : {}) }
    : { ...shared, method, ...(threshold !== undefined ? { threshold } : {}), ...(descriptors !== undefined ? { descriptors } : {}) });
  bars.knn.done();
  bars.gcn.done();
  writeLabels(o.out, result.labels);
  if (o['knn-out'] !== undefined) writeKnn(o['knn-out'], result.knn);
  if (o['features-out'] !== undefined) writeFeatures(o['features-out'], all);
  const summary = { old: old.n, new: fresh.n, joined: result.joined, newClusters: result.started };
  const ev = truth ? evaluate(truth, result.labels) : undefined;
  if (o.json) console.log(JSON.stringify(ev ? { ...summary, ...ev } : summary));
  else {
    console.error(`facecluster: ${fresh.n} new faces: ${result.joined} joined existing clusters, the rest started ${result.started} new ones`);
    if (ev) console.log(formatEvaluation(ev));
  }
}
