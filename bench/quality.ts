/**
 * The quality tables of the README: every method on lfw-test and lfw-test-aligned (both
 * bundled in data/), then the default and the baselines by collection size (the first n
 * faces of each) and on 512-d synthetic faces. Reported on test identities; every setting was
 * chosen on lfw-train identities beforehand (models/README.md).
 * `npm run quality [-- --json] [--quick]` (quick: no GCN rows).
 */
import { parseArgs } from 'node:util';
import { BUNDLED_DATA } from '../src/assets.node.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { evaluate, type Evaluation } from '../src/metrics/index.js';
import { clusterFaces, usesGcn, type ClusterOptions } from '../src/pipeline/cluster.js';
import { syntheticFaces } from '../src/synthetic/index.js';
import type { Features } from '../src/types.js';

const { values: flags } = parseArgs({ options: { json: { type: 'boolean' }, quick: { type: 'boolean' } } });
const f4 = (x: number) => x.toFixed(4);
const sets: { name: string; features: Features; labels: Int32Array }[] = ['lfw-test', 'lfw-test-aligned'].map((name) => ({
  name, features: readFeatures(`${BUNDLED_DATA}${name}.feats.npy`), labels: readLabels(`${BUNDLED_DATA}${name}.labels.npy`),
}));
// the GCN's uses, beside the default: both linkages, and its second opinion on the default's links
const GCN_METHODS: [string, ClusterOptions][] = [
  ['default, re-scored by the gcn', { rescore: true }],
  ['gcn, propagation (its default)', { method: 'gcn', linkage: 'propagation' }],
  ['gcn, infomap linkage', { method: 'gcn', linkage: 'infomap' }],
];
const methods: [string, ClusterOptions][] = [
  ['default (infomap)', {}],
  ...(flags.quick ? [] : GCN_METHODS),
  ['infomap, FC-ES early stop', { method: 'infomap', edgeFilter: 'early-stop' }],
  ['threshold (0.955)', { method: 'threshold' }],
  ['threshold (auto)', { method: 'threshold', threshold: 'auto' }],
  ['online', { method: 'online' }],
  ['cdp', { method: 'cdp' }],
];
const out: Record<string, unknown> = {};
const lines: string[] = [];
for (const set of sets) {
  lines.push('', `**${set.name}** (${set.features.n} faces, ${new Set(set.labels).size} people)`, '',
    '| method | clusters | B-Cubed P | R | F | pairwise P | R | F | NMI | seconds |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, options] of methods) {
    const t = performance.now();
    const result = await clusterFaces(set.features, options);
    const seconds = (performance.now() - t) / 1000;
    const ev: Evaluation = evaluate(set.labels, result.labels);
    out[`${set.name}: ${name}`] = { ...ev, seconds };
    lines.push(`| ${name} | ${ev.clusters} | ${f4(ev.bcubed.precision)} | ${f4(ev.bcubed.recall)} | ${f4(ev.bcubed.f)} | ${f4(ev.pairwise.precision)} | ${f4(ev.pairwise.recall)} | ${f4(ev.pairwise.f)} | ${f4(ev.nmi)} | ${seconds.toFixed(1)} |`);
  }
}

// by collection size: the first n faces (photo libraries are often small), and synthetic 512-d faces
const sizes = [100, 300, 1000, 3000];
const collections: { name: string; features: Features; labels: Int32Array }[] = [];
for (const set of sets) {
  for (const n of sizes) collections.push({ name: `${set.name} ${n}`, features: { n, dim: set.features.dim, data: set.features.data.subarray(0,
    n * set.features.dim) }, labels: set.labels.subarray(0, n) });
}
// family-like: the 6 and the 24 people with the most faces (a household's photos, not LFW's many strangers)
for (const set of sets) {
  const byPerson = new Map<number, number[]>();
  set.labels.forEach((x, i) => { byPerson.set(x, [...(byPerson.get(x) ?? []), i]); });
  const largest = [...byPerson.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  for (const people of [6, 24]) {
    const rows = largest.slice(0, people).flat();
    const dim = set.features.dim;
    const data = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => { data.set(set.features.data.subarray(r * dim, (r + 1) * dim), i * dim); });
    collections.push({ name: `${set.name}, its ${people} most photographed people (${rows.length} faces)`, features: { n: rows.length, dim, data }, labels: Int32Array.from(rows, (r) => set.labels[r]!) });
  }
}
for (const noise of [1.0, 1.4]) {
  const s = syntheticFaces({ n: 10000, dim: 512, seed: 11, noise });
  collections.push({ name: `synthetic 512-d, noise ${noise}`, features: s.features, labels: s.labels });
}
const sizeMethods: [string, ClusterOptions][] = [
  ['default (infomap)', {}],
  ...(flags.quick ? [] : GCN_METHODS),
  ['threshold (0.955)', { method: 'threshold' }],
  ['online', { method: 'online' }],
];
lines.push('', '**By collection** (B-Cubed F / pairwise F)', '', `| collection | ${sizeMethods.map(([m]) => m).join(' | ')} |`, `| --- |${sizeMethods.map(() => ' --- |').join('')}`);
const sized: Record<string, unknown> = {};
for (const c of collections) {
  const cells: string[] = [];
  for (const [name, options] of sizeMethods) {
    if (usesGcn(options) && c.features.dim !== 128) { cells.push('—'); continue; }
    const r = await clusterFaces(c.features, options);
    const ev = evaluate(c.labels, r.labels);
    sized[`${c.name}: ${name}`] = { bcubed: ev.bcubed.f, pairwise: ev.pairwise.f };
    cells.push(`${f4(ev.bcubed.f)} / ${f4(ev.pairwise.f)}`);
  }
  lines.push(`| ${c.name} | ${cells.join(' | ')} |`);
}
out.bySize = sized;
console.log(flags.json ? JSON.stringify(out) : lines.join('\n'));
