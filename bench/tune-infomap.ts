/**
 * Choosing the unsupervised method's settings on training identities only: FC-ES early stop
 * (σ fixed or relative to each row, θ, K) and a plain cosine threshold, each followed by
 * Infomap, on lfw-train, lfw-train-aligned, their first 300 / 1,000 faces, and 512-d synthetic
 * faces of two spreads. `npm run bench:tune-infomap` prints a table sorted by the worst case.
 */
import { parseArgs } from 'node:util';
import { earlyStopEdges } from '../src/cluster/early-stop.js';
import { infomap } from '../src/cluster/infomap.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { buildKnn, l2Normalize } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { syntheticFaces } from '../src/synthetic/index.js';
import type { Features, KnnGraph } from '../src/types.js';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } } });
const DATA = new URL('../../data/', import.meta.url).pathname;
const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
const head = (f: Features, l: Int32Array, n: number) => ({ f: { n, dim: f.dim, data: f.data.subarray(0, n * f.dim) }, l: l.subarray(0, n) });
const sets: { name: string; f: Features; l: Int32Array }[] = [];
const train = { f: readFeatures(`${SHARED}lfw-train.feats.npy`), l: readLabels(`${SHARED}lfw-train.labels.npy`) };
const aligned = { f: readFeatures(`${DATA}lfw-train-aligned.feats.npy`), l: readLabels(`${DATA}lfw-train-aligned.labels.npy`) };
sets.push({ name: 'train', ...train }, { name: 'train-1000', ...head(train.f, train.l, 1000) }, { name: 'train-300', ...head(train.f, train.l, 300) });
sets.push({ name: 'aligned', ...aligned }, { name: 'aligned-1000', ...head(aligned.f, aligned.l, 1000) });
for (const noise of [1.0, 1.4]) {
  const s = syntheticFaces({ n: 5000, dim: 512, seed: 3, noise });
  sets.push({ name: `synth512-${noise}`, f: s.features, l: s.labels });
}
const knns = new Map<string, KnnGraph>();
const K = [10, 20, 40, 80];
for (const s of sets) {
  const unit = l2Normalize(s.f);
  for (const k of K) knns.set(`${s.name}/${k}`, await buildKnn(unit, { k: Math.min(k, s.f.n - 1), normalized: true }));
}
type Filter = { name: string; k: number; edges: (knn: KnnGraph) => { src: Int32Array; dst: Int32Array; score: Float64Array } };
const filters: Filter[] = [];
for (const k of flags.quick ? [20, 80] : K) {
  for (const theta of [0.1, 0.15, 0.22, 0.3, 0.4]) {
    filters.push({ name: `es σ=0.5 θ=${theta} K=${k}`, k, edges: (g) => earlyStopEdges(g, { sigma: 0.5, theta }) });
    for (const scale of [0.25, 0.5, 1]) filters.push({ name: `es σ=${scale}·mean θ=${theta} K=${k}`, k, edges: (g) => earlyStopEdges(g, { sigma: 'auto', sigmaScale: scale, theta }) });
  }
}
const rows: { name: string; cells: string[]; worst: number; mean: number }[] = [];
for (const filter of filters) {
  const cells: string[] = [];
  let worst = 1, sum = 0;
  for (const s of sets) {
    const knn = knns.get(`${s.name}/${filter.k}`)!;
    const e = filter.edges(knn);
    const r = infomap(s.f.n, e.src, e.dst, e.score, { trials: 1 });
    const ev = evaluate(s.l, r.labels);
    const score = Math.min(ev.bcubed.f, ev.pairwise.f);
    worst = Math.min(worst, score); sum += score;
    cells.push(`${ev.bcubed.f.toFixed(3)}/${ev.pairwise.f.toFixed(3)}`);
  }
  rows.push({ name: filter.name, cells, worst, mean: sum / sets.length });
}
rows.sort((a, b) => b.mean - a.mean);
console.log(`| filter | ${sets.map((s) => s.name).join(' | ')} | worst | mean |`);
for (const r of rows) console.log(`| ${r.name} | ${r.cells.join(' | ')} | ${r.worst.toFixed(3)} | ${r.mean.toFixed(3)} |`);
