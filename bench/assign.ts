/**
 * Incremental assignment against a full re-run: `npm run bench:assign [-- --every 10]`.
 * lfw-test's faces but every tenth are clustered with the default method; the rest are then
 * added with assignFaces, and all faces are clustered again from scratch. Prints both times
 * (the assignment alone, not the earlier clustering), the metrics over all faces, and how the
 * new faces themselves were placed (pairwise F over pairs with a new face; the share that
 * joined the cluster of their person's old faces) beside leaving every new face alone.
 */
import { parseArgs } from 'node:util';
import { BUNDLED_DATA } from '../src/assets.node.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { evaluate, newFaceScores } from '../src/metrics/index.js';
import { assignFaces } from '../src/pipeline/assign.js';
import { clusterFaces } from '../src/pipeline/cluster.js';

const { values } = parseArgs({ options: { every: { type: 'string', default: '10' }, json: { type: 'boolean' } } });
const every = Number(values.every);
const lfw = readFeatures(`${BUNDLED_DATA}lfw-test.feats.npy`);
const lfwLabels = readLabels(`${BUNDLED_DATA}lfw-test.labels.npy`);
// rows are sorted by name: every `every`-th face is new, so that most new faces have old faces of their person
const order = [...lfwLabels.keys()].filter((i) => i % every !== every - 1).concat([...lfwLabels.keys()].filter((i) => i % every === every - 1));
const dim = lfw.dim;
const features = { n: lfw.n, dim, data: new Float32Array(lfw.data.length) };
order.forEach((r, i) => { features.data.set(lfw.data.subarray(r * dim, (r + 1) * dim), i * dim); });
const labels = Int32Array.from(order, (r) => lfwLabels[r]!);
const old = order.findIndex((r) => r % every === every - 1);
const base = await clusterFaces({ n: old, dim, data: features.data.subarray(0, old * dim) });

let t = performance.now();
const assigned = await assignFaces(features, base.labels, base.knn);
const assignS = (performance.now() - t) / 1000;
t = performance.now();
const rerun = await clusterFaces(features);
const rerunS = (performance.now() - t) / 1000;
const alone = Int32Array.from(assigned.labels, (l, i) => (i < old ? l : 1e7 + i));

const rows = {
  assign: { seconds: assignS, ...evaluate(labels, assigned.labels), newFaces: newFaceScores(labels, assigned.labels, old) },
  're-run': { seconds: rerunS, ...evaluate(labels, rerun.labels), newFaces: newFaceScores(labels, rerun.labels, old) },
  'new faces alone': { seconds: 0, ...evaluate(labels, alone), newFaces: newFaceScores(labels, alone, old) },
};
if (values.json) console.log(JSON.stringify({ old, new: features.n - old, joined: assigned.joined, started: assigned.started, rows }));
else {
  const f4 = (x: number) => x.toFixed(4);
  console.log(`${features.n - old} new faces (every ${every}th of lfw-test) added to ${old} clustered ones; ${rows.assign.newFaces.known} of them have old faces of their person\n`);
  console.log('| | time | all faces: B-Cubed F | pairwise F | NMI | new faces: pairwise F | joined their person |\n| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of Object.entries(rows)) {
    console.log(`| ${name} | ${r.seconds.toFixed(1)} s | ${f4(r.bcubed.f)} | ${f4(r.pairwise.f)} | ${f4(r.nmi)} | ${f4(r.newFaces.f)} | ${f4(r.newFaces.rightPerson)} |`);
  }
  console.log(`\nassign: ${assigned.joined} faces joined existing clusters, ${assigned.started} clusters started`);
}
