import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readKnn, readLabels, writeKnn, writeLabels } from '../../src/io/formats.js';
import { writeNpy } from '../../src/io/npy.js';
import { ROOT, SHARED, tempDir } from '../helpers.js';

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
  const fromCluster = JSON.parse(r.stdout);
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

test('demo runs the bundled job', (t) => {
  const dir = tempDir(t);
  const r = run('demo', '--out', join(dir, 'p.npy'), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).bcubed.f > 0.8);
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
  assert.match(r.stderr, /--method must be one of gcn, threshold, cdp, online, got 'magic'/);
  assert.match(run('knn', '--features', FEATS).stderr, /--out is required/);
  assert.match(run('knn', '--features', FEATS, '--out', 'x.npy', '--k', 'ten').stderr, /--k expects an integer, got 'ten'/);
  assert.match(run('knn', '--features', FEATS, '--out', 'x.npy', '--bogus').stderr, /Unknown option '--bogus'/);
});

test('bad input: one line naming the file, exit code 2, no output left behind', (t) => {
  const dir = tempDir(t);
  const small = join(dir, 'small.npy');
  writeNpy(small, Float32Array.of(1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9), [4, 2], 'f4');
  const truncated = join(dir, 'trunc.npy');
  writeFileSync(truncated, readFileSync(small).subarray(0, 140));
  const nan = join(dir, 'nan.npy');
  writeNpy(nan, Float32Array.of(1, 0, NaN, 1), [2, 2], 'f4');
  const zero = join(dir, 'zero.npy');
  writeNpy(zero, Float32Array.of(1, 0, 0, 0, 0, 1), [3, 2], 'f4');
  const shortLabels = join(dir, 'short.npy');
  writeLabels(shortLabels, Int32Array.of(0, 1));
  const badKnn = join(dir, 'badknn.npy');
  writeKnn(badKnn, { n: 4, k: 1, indices: Int32Array.of(0, 1, 1, 9, 2, 3, 3, 2) });
  const wrongN = join(dir, 'wrongn.npy');
  writeKnn(wrongN, { n: 2, k: 1, indices: Int32Array.of(0, 1, 1, 0) });
  const dtype = join(dir, 'dtype.npy');
  writeFileSync(dtype, readFileSync(small).toString('latin1').replace("'<f4'", "'<c8'"), 'latin1');
  const out = join(dir, 'out.npy');
  const cases: [string[], RegExp][] = [
    [['cluster', '--features', join(dir, 'missing.npy'), '--out', out], /missing.npy: no such file/],
    [['cluster', '--features', truncated, '--out', out], /trunc.npy: truncated: shape \(4, 2\) needs 32 data bytes/],
    [['cluster', '--features', nan, '--out', out], /nan.npy: row 1, column 0 is NaN/],
    [['cluster', '--features', zero, '--out', out], /zero.npy: row 1 is a zero vector/],
    [['cluster', '--features', dtype, '--out', out], /dtype.npy: unsupported dtype '<c8'/],
    [['cluster', '--features', small, '--labels', shortLabels, '--out', out], /short.npy: has 2 labels but there are 4 faces/],
    [['cluster', '--features', small, '--knn', badKnn, '--out', out], /badknn.npy: row 1, column 1: index 9 is out of range \[0, 4\)/],
    [['cluster', '--features', small, '--knn', wrongN, '--out', out], /wrongn.npy: has 2 rows but there are 4 faces/],
    [['cluster', '--features', small, '--knn', badKnn.replace('badknn', 'x'), '--out', out], /x.npy: no such file/],
    [['cluster', '--features', small, '--method', 'threshold', '--k', '4', '--out', out], /k = 4 is larger than N − 1 = 3/],
    [['cluster', '--features', small, '--out', out], /the model takes 128-d features, these are 2-d/],
    [['cluster', '--features', small, '--model', join(dir, 'nomodel'), '--out', out], /nomodel: no model here/],
    [['knn', '--features', small, '--k', '9', '--out', out], /k = 9 is larger than N − 1 = 3/],
    [['cluster', '--features', small, '--out', join(dir, 'out.txt')], /out.txt: cannot tell the format of labels/],
    [['cluster', '--features', small, '--method', 'threshold', '--k', '3', '--out', join(dir, 'nodir/out.npy')], /out.npy: cannot write/],
    [['eval', '--labels', shortLabels, '--pred', small], /small.npy: labels must be 1-D \(N\) or N×1, got shape \(4, 2\)/],
    [['eval', '--labels', LABELS, '--pred', shortLabels], /short.npy: has 2 predictions but .* has 6929 labels/],
  ];
  for (const [args, re] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(existsSync(out), false, args.join(' '));
  }
  // nothing but the inputs is left in the folder (no temporary files either)
  assert.deepEqual(readdirSync(dir).sort(), ['badknn.npy', 'dtype.npy', 'nan.npy', 'short.npy', 'small.npy', 'trunc.npy', 'wrongn.npy', 'zero.npy']);
  // an existing output survives a failed run untouched
  copyFileSync(small, out);
  assert.equal(run('cluster', '--features', nan, '--out', out).code, 2);
  assert.deepEqual(readFileSync(out), readFileSync(small));
});
