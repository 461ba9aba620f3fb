/**
 * `npm run bench:library [-- --quick]`: the default clustering on collections in the shapes
 * photo libraries have (bench/library-sets.ts: training identities and synthetic people), beside
 * fixed cuts. Per shape: B-Cubed F / pairwise F (albums: the mean over the albums), plain and
 * with 2 % strays and 10 % duplicates added, and read off the collection alone (`descriptors:
 * 'unknown'`: no prior, as for a model facecluster has no measurements of).
 */
import { parseArgs } from 'node:util';
import { buildKnn, l2Normalize } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { clusterFaces } from '../src/pipeline/cluster.js';
import { librarySets } from './library-sets.js';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } } });
const sets = librarySets({ albums: flags.quick ? 4 : 10 });
const fixed: Record<string, number[]> = { 'lfw-train photos': [0.9, 0.92, 0.94, 0.95], 'lfw-train crops': [0.9, 0.92, 0.94, 0.95], 'synthetic 128-d': [0.3, 0.4, 0.5], 'synthetic 512-d': [0.2, 0.3, 0.4] };
type Cell = { b: number; p: number; n: number };
const table = new Map<string, Map<string, Cell>>();
const add = (row: string, col: string, b: number, p: number) => {
  const r = table.get(row) ?? new Map<string, Cell>(); table.set(row, r);
  const c = r.get(col) ?? { b: 0, p: 0, n: 0 }; c.b += b; c.p += p; c.n++; r.set(col, c);
};
for (const s of sets) {
  const unit = l2Normalize(s.features);
  const knn = await buildKnn(unit, { k: Math.min(80, s.features.n - 1), normalized: true });
  const shape = s.shape.startsWith('album') ? 'albums of 10–50 faces' : s.shape;
  const row = `${s.source} | ${shape}`;
  const d = await clusterFaces(unit, { knn, normalized: true });
  const e = evaluate(s.labels, d.labels);
  add(row, `default ${s.variant}`, e.bcubed.f, e.pairwise.f);
  if (s.variant !== 'base') continue;
  // the same, read off the collection alone (as for descriptors of a model with no prior)
  const c = evaluate(s.labels, (await clusterFaces(unit, { knn, normalized: true, descriptors: 'unknown' })).labels);
  add(row, 'collection only', c.bcubed.f, c.pairwise.f);
  for (const t of fixed[s.source]!) {
    const x = evaluate(s.labels, (await clusterFaces(unit, { knn, normalized: true, threshold: t })).labels);
    add(row, `cut ${t}`, x.bcubed.f, x.pairwise.f);
  }
}
const cols = ['default base', 'default strays', 'default duplicates', 'collection only'];
console.log('| source | shape | default | with 2 % strays | with 10 % duplicates | read off the collection only | fixed cuts |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [row, cells] of table) {
  const f = (c?: Cell) => (c ? `${(c.b / c.n).toFixed(3)} / ${(c.p / c.n).toFixed(3)}` : '—');
  const fixedCells = [...cells].filter(([k]) => k.startsWith('cut')).map(([k, c]) => `${k.slice(4)}: ${f(c)}`).join('; ');
  console.log(`| ${row} | ${cols.map((c) => f(cells.get(c))).join(' | ')} | ${fixedCells} |`);
}
