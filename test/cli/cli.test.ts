import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readKnn, readLabels } from '../../src/io/files.node.js';
import { ROOT, SHARED, splitClusterJson, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const FEATS = join(ROOT, 'data/lfw-test.feats.npy');
const LABELS = join(ROOT, 'data/lfw-test.labels.npy');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('the bundled data is the shared lfw-test', () => {
  assert.deepEqual(readFileSync(FEATS), readFileSync(join(SHARED, 'data/lfw-test.feats.npy')));
  assert.deepEqual(readFileSync(LABELS), readFileSync(join(SHARED, 'data/lfw-test.labels.npy')));
});

test('knn → cluster → eval on lfw-test, in both kNN formats', (t) => {
  const dir = tempDir(t);
  let r = run('knn', '--features', FEATS, '--k', '20', '--out', join(dir, 'knn.npy'), '--sims-out', join(dir, 'sims.npy'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout + r.stderr, '', 'quiet in a pipe');
  const knn = readKnn(join(dir, 'knn.npy'));
  assert.equal(knn.n, 6929);
  assert.equal(knn.k, 20);
  r = run('knn', '--features', FEATS, '--k', '20', '--out', join(dir, 'knn.npz'));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readKnn(join(dir, 'knn.npz')).indices, knn.indices);

  r = run('cluster', '--features', FEATS, '--knn', join(dir, 'knn.npz'), '--method', 'threshold', '--out', join(dir, 'pred.npy'), '--labels', LABELS, '--json');
  assert.equal(r.code, 0, r.stderr);
  const fromCluster = splitClusterJson(JSON.parse(r.stdout)).metrics;
  r = run('eval', '--labels', LABELS, '--pred', join(dir, 'pred.npy'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const ev = JSON.parse(r.stdout);
  assert.deepEqual(ev, fromCluster);
  assert.deepEqual(Object.keys(ev).sort(), ['bcubed', 'clusters', 'n', 'nmi', 'nmi_geometric', 'pairwise', 'without_singletons']);
  assert.deepEqual(Object.keys(ev.without_singletons).sort(), ['bcubed', 'clusters', 'n', 'nmi', 'nmi_geometric', 'pairwise']);
  assert.equal(ev.n, 6929);
  // the tuned kNN-threshold baseline on lfw-test (README table): B-Cubed F 0.851
  assert.ok(ev.bcubed.f > 0.84 && ev.bcubed.f < 0.86, String(ev.bcubed.f));
  assert.equal(readLabels(join(dir, 'pred.npy')).length, 6929);

  r = run('cluster', '--features', FEATS, '--knn', join(dir, 'knn.npy'), '--method', 'cdp', '--out', join(dir, 'cdp.meta'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readLabels(join(dir, 'cdp.meta')).length, 6929);
  r = run('eval', '--labels', LABELS, '--pred', join(dir, 'cdp.meta'));
  assert.match(r.stdout, /all faces\s+6929/);
  assert.match(r.stdout, /without singletons/);
});

/** The B-Cubed F and pairwise F of a row of the README's results table for one collection. */
function readmeRow(collection: string, method: string): { bcubed: number; pairwise: number } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(`**${collection}**`)[1]!;
  const row = section.split('\n').find((l) => l.startsWith(`| ${method} |`));
  assert.ok(row, `README has a "${method}" row for ${collection}`);
  // | method | clusters | B-Cubed P | R | F | pairwise P | R | F | NMI | seconds |
  const cells = row.split('|').map((c) => c.trim().replace(/\*/g, ''));
  return { bcubed: Number(cells[5]), pairwise: Number(cells[8]) };
}

test("the default's quality on lfw-test and lfw-test-aligned is the README's, to 0.005 (the demo runs the first)", (t) => {
  const dir = tempDir(t);
  const r = run('demo', '--out', join(dir, 'p.npy'), '--json');
  assert.equal(r.code, 0, r.stderr);
  for (const [collection, stdout] of [
    ['lfw-test', r.stdout],
    ['lfw-test-aligned', run('cluster', '--features', join(ROOT, 'data/lfw-test-aligned.feats.npy'), '--labels', join(ROOT, 'data/lfw-test-aligned.labels.npy'), '--out', join(dir, 'a.npy'), '--json').stdout],
  ] as const) {
    const got = JSON.parse(stdout);
    const want = readmeRow(collection, 'default (infomap)');
    t.diagnostic(`${collection}: B-Cubed F ${got.bcubed.f.toFixed(4)} (README ${want.bcubed}), pairwise F ${got.pairwise.f.toFixed(4)} (README ${want.pairwise})`);
    assert.ok(Math.abs(got.bcubed.f - want.bcubed) < 0.005 && Math.abs(got.pairwise.f - want.pairwise) < 0.005, collection);
  }
});

test('--help for every command, and usage errors', () => {
  for (const cmd of ['demo', 'knn', 'cluster', 'eval', 'train']) {
    const r = run(cmd, '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`usage: facecluster ${cmd}`));
  }
  assert.equal(run().code, 2);
  assert.match(run('frobnicate').stderr, /unknown command 'frobnicate'/);
  const r = run('cluster', '--features', FEATS, '--out', 'x.npy', '--method', 'magic');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--method must be one of infomap, gcn, threshold, cdp, online, got 'magic'/);
  assert.match(run('knn', '--features', FEATS).stderr, /--out is required/);
  assert.match(run('knn', '--features', FEATS, '--out', 'x.npy', '--k', 'ten').stderr, /--k expects an integer, got 'ten'/);
  assert.match(run('knn', '--features', FEATS, '--out', 'x.npy', '--bogus').stderr, /Unknown option '--bogus'/);
});


test('export writes an ONNX model that onnxruntime loads, with the documented inputs and outputs', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'lgcn.onnx');
  const r = run('export', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(out);
  assert.deepEqual([...session.inputNames], ['features', 'adjacency', 'hop1']);
  assert.deepEqual([...session.outputNames], ['scores', 'logits']);
  await session.release();
});
