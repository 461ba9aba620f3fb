/**
 * Incremental assignment against a full re-run: `npm run bench:assign [-- --fraction 0.1]`.
 * lfw-test's first 90 % of faces are clustered (kNN + GCN + propagation); the last 10 % are
 * then added with assignFaces, and all faces are clustered again from scratch. Prints both
 * times (the assignment alone, not the earlier clustering) and both results' metrics.
 */
import { parseArgs } from 'node:util';
import { BUNDLED_DATA } from '../src/cli/commands/demo.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { evaluate } from '../src/metrics/index.js';
import { loadModel } from '../src/model/files.js';
import { assignFaces } from '../src/pipeline/assign.js';
import { clusterFaces, DEFAULT_MODEL_DIR } from '../src/pipeline/index.js';

const { values } = parseArgs({ options: { fraction: { type: 'string', default: '0.1' }, json: { type: 'boolean' } } });
const features = readFeatures(`${BUNDLED_DATA}lfw-test.feats.npy`);
const labels = readLabels(`${BUNDLED_DATA}lfw-test.labels.npy`);
const model = loadModel(DEFAULT_MODEL_DIR);
const old = Math.round(features.n * (1 - Number(values.fraction)));
const base = await clusterFaces({ n: old, dim: features.dim, data: features.data.subarray(0, old * features.dim) }, { model });

let t = performance.now();
const assigned = await assignFaces(features, base.labels, base.knn, { model });
const assignS = (performance.now() - t) / 1000;
t = performance.now();
const rerun = await clusterFaces(features, { model });
const rerunS = (performance.now() - t) / 1000;

const rows = { assign: { seconds: assignS, ...evaluate(labels, assigned.labels), joined: assigned.joined, started: assigned.started }, rerun: { seconds: rerunS, ...evaluate(labels, rerun.labels) } };
if (values.json) console.log(JSON.stringify(rows));
else {
  const f4 = (x: number) => x.toFixed(4);
  console.log(`${features.n - old} new faces added to ${old} clustered ones (lfw-test)\n`);
  console.log('| | time | B-Cubed P | R | F | pairwise P | R | F | NMI |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of Object.entries(rows)) {
    console.log(`| ${name} | ${r.seconds.toFixed(1)} s | ${f4(r.bcubed.precision)} | ${f4(r.bcubed.recall)} | ${f4(r.bcubed.f)} | ${f4(r.pairwise.precision)} | ${f4(r.pairwise.recall)} | ${f4(r.pairwise.f)} | ${f4(r.nmi)} |`);
  }
  console.log(`\nassign: ${assigned.joined} faces joined existing clusters, ${assigned.started} clusters started`);
}
