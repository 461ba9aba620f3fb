/**
 * The quality table of the README: every method on the bundled lfw-test, with and without
 * singletons, as a Markdown table. `npm run quality [-- --json]`.
 */
import { parseArgs } from 'node:util';
import { BUNDLED_DATA } from '../src/cli/commands/demo.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { evaluate, edgeMetrics, type ClusterMetrics } from '../src/metrics/index.js';
import { clusterFaces, METHODS } from '../src/pipeline/index.js';

const { values: flags } = parseArgs({ options: { json: { type: 'boolean' } } });
const features = readFeatures(`${BUNDLED_DATA}lfw-test.feats.npy`);
const labels = readLabels(`${BUNDLED_DATA}lfw-test.labels.npy`);
const f4 = (x: number) => x.toFixed(4);
const row = (name: string, m: ClusterMetrics) =>
  `| ${name} | ${m.n} | ${m.clusters} | ${f4(m.bcubed.precision)} | ${f4(m.bcubed.recall)} | ${f4(m.bcubed.f)} | ${f4(m.pairwise.precision)} | ${f4(m.pairwise.recall)} | ${f4(m.pairwise.f)} | ${f4(m.nmi)} |`;
const out: Record<string, unknown> = {};
const lines = ['| method | faces | clusters | B-Cubed P | R | F | pairwise P | R | F | NMI |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
for (const method of METHODS) {
  const t = performance.now();
  const result = await clusterFaces(features, { method });
  const seconds = (performance.now() - t) / 1000;
  const ev = evaluate(labels, result.labels);
  out[method] = { ...ev, seconds, ...(result.edges ? { links: edgeMetrics(result.edges, labels, 0.5) } : {}) };
  lines.push(row(`${method}`, ev), row(`${method}, without singletons`, ev.without_singletons));
}

// by collection size: the first n faces of lfw-test (photo libraries are often small)
const sizes = [300, 1000, 3000, features.n];
const bySize = ['', '| first n faces | ' + sizes.join(' | ') + ' |', '| --- |' + sizes.map(() => ' --- |').join('')];
const variants: [string, Parameters<typeof clusterFaces>[1]][] = [
  ['gcn (B-Cubed F / pairwise F)', { method: 'gcn' }],
  ["gcn, the seed's propagation (min score 0)", { method: 'gcn', propagation: { minScore: 0 } }],
  ['threshold', { method: 'threshold' }],
  ['online', { method: 'online' }],
];
const sized: Record<string, unknown> = {};
for (const [name, options] of variants) {
  const cells: string[] = [];
  for (const n of sizes) {
    const r = await clusterFaces({ n, dim: features.dim, data: features.data.subarray(0, n * features.dim) }, options);
    const ev = evaluate(labels.subarray(0, n), r.labels);
    sized[`${name} ${n}`] = { bcubed: ev.bcubed.f, pairwise: ev.pairwise.f };
    cells.push(`${f4(ev.bcubed.f)} / ${f4(ev.pairwise.f)}`);
  }
  bySize.push(`| ${name} | ${cells.join(' | ')} |`);
}
out.bySize = sized;
console.log(flags.json ? JSON.stringify(out) : [...lines, ...bySize].join('\n'));
