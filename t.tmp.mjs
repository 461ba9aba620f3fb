import { readFeatures, readLabels } from './dist/src/io/formats.js';
import { clusterFaces } from './dist/src/pipeline/index.js';
import { assignFaces } from './dist/src/pipeline/assign.js';
import { loadModel } from './dist/src/model/files.js';
import { DEFAULT_MODEL_DIR } from './dist/src/pipeline/index.js';
import { evaluate } from './dist/src/metrics/index.js';
const f = readFeatures('data/lfw-test.feats.npy'), y = readLabels('data/lfw-test.labels.npy');
const old = Math.round(f.n * 0.9);
const model = loadModel(DEFAULT_MODEL_DIR);
let t = performance.now();
const full = await clusterFaces(f, { model });
const tFull = (performance.now() - t) / 1000;
const base = await clusterFaces({ n: old, dim: f.dim, data: f.data.subarray(0, old * f.dim) }, { model });
for (const th of [0.5]) {
  t = performance.now();
  const a = await assignFaces(f, base.labels, base.knn, { model, threshold: th });
  const tA = (performance.now() - t) / 1000;
  const e = evaluate(y, a.labels), ef = evaluate(y, full.labels);
  console.log(JSON.stringify({ th, tFull, tA, joined: a.joined, started: a.started, assign: { b: e.bcubed, p: e.pairwise, nmi: e.nmi }, full: { b: ef.bcubed, p: ef.pairwise, nmi: ef.nmi } }));
}
