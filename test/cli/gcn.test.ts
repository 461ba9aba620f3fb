import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures, readLabels, writeFeatures, writeLabels } from '../../src/io/files.node.js';
import { npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import { loadModel } from '../../src/model/files.node.js';
import { ROOT, SHARED, splitClusterJson, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

test('train → cluster → eval end to end on lfw-train / lfw-test subsets (small settings)', (t) => {
  const dir = tempDir(t);
  const slice = (name: string, n: number) => {
    const f = readFeatures(join(SHARED, `data/${name}.feats.npy`));
    const l = readLabels(join(SHARED, `data/${name}.labels.npy`));
    writeFeatures(join(dir, `${name}.feats.npy`), { n, dim: f.dim, data: f.data.slice(0, n * f.dim) });
    writeLabels(join(dir, `${name}.labels.npy`), l.slice(0, n));
  };
  slice('lfw-train', 500);
  slice('lfw-test', 300);
  const model = join(dir, 'model');
  let r = run('train', '--features', join(dir, 'lfw-train.feats.npy'), '--labels', join(dir, 'lfw-train.labels.npy'), '--out', model,
    '--k-at-hop', '10', '5', '--active-connection', '5', '--epochs', '3', '--lr-decay-epochs', '2', '--lr', '0.1', '--quiet',
    '--val-features', join(dir, 'lfw-test.feats.npy'), '--val-labels', join(dir, 'lfw-test.labels.npy'));
  assert.equal(r.code, 0, r.stderr);
  const m = loadModel(model);
  assert.deepEqual(m.config.trainIps, { k1: 10, k2: 5, u: 5 });
  assert.equal(m.config.architecture.dim, 128);
  const log = readFileSync(join(model, 'train.log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(log.length, 3);
  assert.ok(log[2].validation.edges === 300 * 10);
  assert.ok(existsSync(join(model, 'checkpoint.safetensors')));
  // training again into the same folder without --resume is refused
  r = run('train', '--features', join(dir, 'lfw-train.feats.npy'), '--labels', join(dir, 'lfw-train.labels.npy'), '--out', model, '--k-at-hop', '10', '5', '--active-connection', '5');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pass --resume/);

  const pred = join(dir, 'pred.npy');
  r = run('cluster', '--features', join(dir, 'lfw-test.feats.npy'), '--model', model, '--k-at-hop', '10', '5', '--active-connection', '5',
    '--out', pred, '--labels', join(dir, 'lfw-test.labels.npy'), '--edges-out', join(dir, 'e.npy'), '--scores-out', join(dir, 's.npy'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.n, 300);
  assert.equal(out.links.edges, 3000);
  const edges = npyToInt32(readNpyView(join(dir, 'e.npy')));
  const scores = npyToFloat64(readNpyView(join(dir, 's.npy')));
  assert.equal(edges.length, 6000);
  assert.equal(scores.length, 3000);
  assert.ok(scores.every((s) => s >= 0 && s <= 1));
  assert.equal(edges[0], 0); // pivot 0 first
  const ev = JSON.parse(run('eval', '--labels', join(dir, 'lfw-test.labels.npy'), '--pred', pred, '--json').stdout);
  const { links: _links, ...clusterOnly } = splitClusterJson(out).metrics;
  assert.deepEqual(ev, clusterOnly);
  // the model learned: its links are far more often right than the share of true links, and its
  // clusters beat leaving every face alone
  const alone = JSON.parse(run('eval', '--labels', join(dir, 'lfw-test.labels.npy'), '--pred', join(dir, 'lfw-test.labels.npy'), '--json').stdout);
  t.diagnostic(`links: precision ${out.links.precision.toFixed(3)} recall ${out.links.recall.toFixed(3)} (true share ${out.links.positiveRate.toFixed(3)}); B-Cubed F ${out.bcubed.f.toFixed(3)}`);
  assert.ok(out.links.precision > out.links.positiveRate + 0.3 && out.links.recall > 0.3);
  const singletons = Array.from({ length: 300 }, (_, i) => i);
  writeLabels(join(dir, 'alone.npy'), Int32Array.from(singletons));
  const aloneEv = JSON.parse(run('eval', '--labels', join(dir, 'lfw-test.labels.npy'), '--pred', join(dir, 'alone.npy'), '--json').stdout);
  assert.ok(out.bcubed.f > aloneEv.bcubed.f + 0.05 && out.pairwise.f > 0.3, `B-Cubed F ${out.bcubed.f} against ${aloneEv.bcubed.f} alone`);
  assert.equal(alone.bcubed.f, 1);
  // the TypeScript backend gives the same scores (to 1e-4) and the same clusters
  r = run('cluster', '--features', join(dir, 'lfw-test.feats.npy'), '--model', model, '--k-at-hop', '10', '5', '--active-connection', '5',
    '--out', join(dir, 'pred-js.npy'), '--backend', 'js', '--scores-out', join(dir, 's-js.npy'));
  assert.equal(r.code, 0, r.stderr);
  const js = npyToFloat64(readNpyView(join(dir, 's-js.npy')));
  js.forEach((s, i) => { assert.ok(Math.abs(s - scores[i]!) < 1e-4); });
  assert.deepEqual(readLabels(join(dir, 'pred-js.npy')), readLabels(pred));
  // a model for other feature widths is refused with one line
  const other = join(dir, 'other.npy');
  writeFeatures(other, { n: 20, dim: 4, data: Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)) });
  r = run('cluster', '--features', other, '--model', model, '--out', join(dir, 'x.npy'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the model takes 128-d features, these are 4-d/);
  assert.equal(existsSync(join(dir, 'x.npy')), false);
});

test('cluster --rescore: the default\'s links, and the kNN links the shipped GCN scores at --min-score or more, weighted by their cosine', (t) => {
  const dir = tempDir(t);
  const f = readFeatures(join(SHARED, 'data/lfw-test.feats.npy'));
  const n = 300, dim = f.dim;
  const feats = join(dir, 'f.npy');
  writeFeatures(feats, { n, dim, data: f.data.slice(0, n * dim) });
  const cosine = (a: number, b: number) => {
    let ab = 0, aa = 0, bb = 0;
    for (let j = 0; j < dim; j++) { const x = f.data[a * dim + j]!, y = f.data[b * dim + j]!; ab += x * y; aa += x * x; bb += y * y; }
    return ab / Math.sqrt(aa * bb);
  };
  const cluster = (name: string, ...args: string[]) => {
    const r = run('cluster', '--features', feats, '--out', join(dir, `${name}.npy`), '--edges-out', join(dir, `${name}-e.npy`), '--scores-out', join(dir, `${name}-s.npy`), '--quiet', ...args);
    assert.equal(r.code, 0, r.stderr);
    const e = npyToInt32(readNpyView(join(dir, `${name}-e.npy`)));
    const s = npyToFloat64(readNpyView(join(dir, `${name}-s.npy`)));
    return { labels: readLabels(join(dir, `${name}.npy`)), links: new Map(Array.from({ length: s.length }, (_, i) => [`${e[2 * i]} ${e[2 * i + 1]}`, s[i]!] as const)) };
  };
  const plain = cluster('default');
  const gcn = cluster('gcn', '--method', 'gcn');
  for (const cut of [0.5, 0.9]) {
    const re = cluster(`re${cut}`, '--rescore', '--min-score', String(cut));
    const expected = new Map(plain.links);
    for (const [key, p] of gcn.links) if (p >= cut && !expected.has(key)) expected.set(key, NaN);
    assert.deepEqual([...re.links.keys()].sort(), [...expected.keys()].sort());
    for (const [key, w] of re.links) {
      const [a, b] = key.split(' ').map(Number);
      assert.ok(Math.abs(w - Math.max(0, cosine(a!, b!))) < 1e-5, `link ${key} weighs ${w}`);
    }
    t.diagnostic(`min score ${cut}: ${re.links.size - plain.links.size} links added to ${plain.links.size}`);
    assert.ok(re.links.size > plain.links.size);
  }
  // a cut above every score adds nothing
  assert.deepEqual(cluster('re1', '--rescore', '--min-score', '1').labels, plain.labels);
  const r = run('cluster', '--features', feats, '--out', join(dir, 'x.npy'), '--rescore', '--method', 'gcn');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--rescore gives a second opinion on the infomap method's links/);
});
