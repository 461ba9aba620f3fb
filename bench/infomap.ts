/**
 * Infomap's speed: a planted-partition graph of N nodes with D links a node (by default
 * 1,000,000 and 20: 20 million links), and lfw-test's default face graph. Prints the
 * codelength and seconds of each trial. `npm run bench:infomap [-- --n N --degree D --trials T]`
 */
import { parseArgs } from 'node:util';
import { BUNDLED_DATA } from '../src/assets.node.js';
import { estimateLinkThreshold, knnEdges } from '../src/cluster/index.js';
import { infomap } from '../src/cluster/infomap.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { buildKnn, l2Normalize } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { seededRandom } from '../src/random.js';

const { values: flags } = parseArgs({ options: { n: { type: 'string', default: '1000000' }, degree: { type: 'string', default: '20' }, trials: { type: 'string', default: '1' } } });
const n = Number(flags.n), degree = Number(flags.degree), trials = Number(flags.trials);

// lfw-test's default graph: kNN links at or above the automatic threshold
{
  const features = l2Normalize(readFeatures(`${BUNDLED_DATA}lfw-test.feats.npy`));
  const labels = readLabels(`${BUNDLED_DATA}lfw-test.labels.npy`);
  const knn = await buildKnn(features, { k: 80, normalized: true });
  const { threshold } = estimateLinkThreshold(features, knn);
  const all = knnEdges(knn);
  const keep = [...all.score.keys()].filter((e) => all.score[e]! >= threshold);
  const started = performance.now();
  const r = infomap(features.n, keep.map((e) => all.src[e]!), keep.map((e) => all.dst[e]!), keep.map((e) => all.score[e]!), { trials: 3, onTrial: (t, l,
    s) => console.log(`lfw-test trial ${t + 1}: codelength ${l.toFixed(5)} bits, ${s.toFixed(3)} s`) });
  const ev = evaluate(labels, r.labels);
  console.log(`lfw-test: ${features.n} faces, ${keep.length} links at cosine ≥ ${threshold.toFixed(4)}; Infomap ${((performance.now() - started) / 1000).toFixed(3)} s for 3 trials; B-Cubed F ${ev.bcubed.f.toFixed(4)}, pairwise F ${ev.pairwise.f.toFixed(4)}\n`);
}
const random = seededRandom(7);
// communities of 2–100 nodes; 80 % of a node's links inside its community
const truth = new Int32Array(n);
for (let i = 0, c = 0; i < n; c++) {
  const size = 2 + Math.floor(random() * 99);
  for (let s = 0; s < size && i < n; s++) truth[i++] = c;
}
const first = new Int32Array(n), size = new Int32Array(n);
for (let i = n - 1; i >= 0; i--) { first[truth[i]!] = i; size[truth[i]!]!++; }
const m = n * degree;
const src = new Int32Array(m), dst = new Int32Array(m), weight = new Float32Array(m);
for (let i = 0, e = 0; i < n; i++) {
  const c = truth[i]!;
  for (let d = 0; d < degree; d++, e++) {
    src[e] = i;
    dst[e] = random() < 0.8 ? first[c]! + Math.floor(random() * size[c]!) : Math.floor(random() * n);
    weight[e] = 0.5 + 0.5 * random();
  }
}
console.log(`planted partition: ${n} nodes, ${m} links`);
const started = performance.now();
const r = infomap(n, src, dst, weight, { trials, onTrial: (t, l, s) => console.log(`trial ${t + 1}: codelength ${l.toFixed(5)} bits, ${s.toFixed(1)} s`) });
const ev = evaluate(truth, r.labels);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s; one-module codelength ${r.oneModuleCodelength.toFixed(3)}; ${ev.clusters} modules for ${truth[n - 1]! + 1} communities; pairwise F ${ev.pairwise.f.toFixed(4)}, NMI ${ev.nmi.toFixed(4)}`);
