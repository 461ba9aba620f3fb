/**
 * How the unsupervised method's settings were chosen, on training identities only (lfw-train,
 * lfw-train-aligned, their first 100 / 300 / 1,000 faces) and on 512-d synthetic faces of
 * three kinds (a wide and a tight spread, a small family-sized collection): Otsu's threshold
 * over each face's m nearest similarities for several m and K, FC-ES's early stop for several
 * θ and σ, each followed by Infomap. Prints B-Cubed F / pairwise F per collection, sorted by
 * the mean of min(B-Cubed F, pairwise F). `npm run bench:tune-infomap`
 */
import { autoThreshold } from '../src/cluster/index.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { buildKnn, l2Normalize } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { clusterFaces, type ClusterOptions } from '../src/pipeline/index.js';
import { syntheticFaces } from '../src/synthetic/index.js';
import type { Features, KnnGraph } from '../src/types.js';

const DATA = new URL('../../data/', import.meta.url).pathname;
const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
const head = (name: string, f: Features, l: Int32Array, n: number) => ({ name: `${name}-${n}`, f: { n, dim: f.dim, data: f.data.subarray(0, n * f.dim) }, l: l.subarray(0, n) });
const sets: { name: string; f: Features; l: Int32Array }[] = [];
for (const [name, path] of [['train', `${SHARED}lfw-train`], ['aligned', `${DATA}lfw-train-aligned`]] as const) {
  const f = readFeatures(`${path}.feats.npy`), l = readLabels(`${path}.labels.npy`);
  sets.push({ name, f, l }, head(name, f, l, 1000), head(name, f, l, 300), head(name, f, l, 100));
}
// family-like collections: the 6 and the 24 people of each source with the most faces
for (const [name, path] of [['train', `${SHARED}lfw-train`], ['aligned', `${DATA}lfw-train-aligned`]] as const) {
  const f = readFeatures(`${path}.feats.npy`), l = readLabels(`${path}.labels.npy`);
  const byPerson = new Map<number, number[]>();
  l.forEach((x, i) => byPerson.set(x, [...(byPerson.get(x) ?? []), i]));
  const largest = [...byPerson.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  for (const people of [6, 24]) {
    const rows = largest.slice(0, people).flat();
    const data = new Float32Array(rows.length * f.dim);
    rows.forEach((r, i) => data.set(f.data.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
    sets.push({ name: `${name}-top${people}`, f: { n: rows.length, dim: f.dim, data }, l: Int32Array.from(rows, (r) => l[r]!) });
  }
}
for (const noise of [1.0, 1.4]) {
  const s = syntheticFaces({ n: 5000, dim: 512, seed: 3, noise });
  sets.push({ name: `synth512-${noise}`, f: s.features, l: s.labels });
}
{
  const s = syntheticFaces({ n: 400, dim: 512, seed: 5, noise: 1.2, maxIdentitySize: 150 });
  sets.push({ name: 'synth512-family', f: s.features, l: s.labels });
}
const knns = new Map<string, KnnGraph>();
for (const s of sets) {
  const unit = l2Normalize(s.f);
  for (const k of [20, 40, 80]) knns.set(`${s.name}/${k}`, await buildKnn(unit, { k: Math.min(k, s.f.n - 1), normalized: true }));
}
type Variant = { name: string; k: number; options: (knn: KnnGraph) => ClusterOptions };
const variants: Variant[] = [];
for (const k of [20, 40, 80]) {
  for (const m of [3, 5, 7, 10]) variants.push({ name: `otsu m=${m} K=${k}`, k, options: (g) => ({ threshold: autoThreshold(g, [m]).threshold }) });
}
const rankQuantile = (g: KnnGraph, rank: number, q: number) => {
  const v = Float64Array.from({ length: g.n }, (_, i) => g.sims![i * (g.k + 1) + Math.min(rank, g.k)]!).sort();
  return v[Math.min(g.n - 1, Math.floor(q * g.n))]!;
};
for (const rank of [80]) for (const q of [0.999]) variants.push({ name: `rank ${rank} q=${q}`, k: 80, options: (g) => ({ threshold: rankQuantile(g, rank, q) }) });
for (const ms of [[3, 5, 7, 10], [3, 5, 7, 10, 20, 40], [3, 5, 7, 10, 20, 40, 80]]) {
  variants.push({ name: `most bimodal of m ∈ {${ms.join(', ')}} K=80`, k: 80, options: (g) => ({ threshold: autoThreshold(g, ms).threshold }) });
}
for (const theta of [0.22]) {
  for (const sigma of [0.5] as const) variants.push({ name: `fc-es θ=${theta} σ=${sigma} K=20`, k: 20, options: () => ({ edgeFilter: 'early-stop', earlyStop: { theta, sigma } }) });
}
const rows: { name: string; cells: string[]; worst: number; mean: number }[] = [];
for (const v of variants) {
  const cells: string[] = [];
  let worst = 1, sum = 0;
  for (const s of sets) {
    const knn = knns.get(`${s.name}/${v.k}`)!;
    const r = await clusterFaces(s.f, { method: 'infomap', knn, trials: 1, ...v.options(knn) });
    const ev = evaluate(s.l, r.labels);
    const score = Math.min(ev.bcubed.f, ev.pairwise.f);
    worst = Math.min(worst, score); sum += score;
    cells.push(`${ev.bcubed.f.toFixed(3)}/${ev.pairwise.f.toFixed(3)}`);
  }
  rows.push({ name: v.name, cells, worst, mean: sum / sets.length });
}
rows.sort((a, b) => b.mean - a.mean);
console.log(`| settings | ${sets.map((s) => s.name).join(' | ')} | worst | mean |`);
console.log(`| --- |${sets.map(() => ' --- |').join('')} --- | --- |`);
for (const r of rows) console.log(`| ${r.name} | ${r.cells.join(' | ')} | ${r.worst.toFixed(3)} | ${r.mean.toFixed(3)} |`);
