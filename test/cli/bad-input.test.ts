/**
 * Bad input, command by command and reader by reader: each case must end with exit code 2, one
 * line on stderr naming the file (or option) and the problem, no stack trace, and no output
 * file or temporary file left behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { readFeatures, writeKnn, writeLabels } from '../../src/io/files.node.js';
import { writeNpy } from '../../src/io/files.node.js';
import { ROOT, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const FEATS = join(ROOT, 'data/lfw-test.feats.npy');
const LABELS = join(ROOT, 'data/lfw-test.labels.npy');
const MODEL = join(ROOT, 'models/lfw-128');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every input file of the table, written into `dir`; returns their paths by name. */
function makeInputs(dir: string): Record<string, string> {
  const p = (name: string) => join(dir, name);
  const lfw = readFeatures(FEATS);
  writeNpy(p('small.npy'), Float32Array.of(1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9), [4, 2], 'f4');
  writeNpy(p('f4.npy'), lfw.data.subarray(0, 4 * 128), [4, 128], 'f4');
  writeNpy(p('f200.npy'), lfw.data.subarray(0, 200 * 128), [200, 128], 'f4');
  writeFileSync(p('trunc.npy'), readFileSync(p('small.npy')).subarray(0, 140));
  writeFileSync(p('empty.npy'), '');
  writeNpy(p('nan.npy'), Float32Array.of(1, 0, NaN, 1), [2, 2], 'f4');
  writeNpy(p('inf.npy'), Float32Array.of(1, 0, Infinity, 1), [2, 2], 'f4');
  writeNpy(p('zero.npy'), Float32Array.of(1, 0, 0, 0, 0, 1), [3, 2], 'f4');
  writeNpy(p('cube.npy'), Float32Array.of(1, 0, 0, 1), [1, 2, 2], 'f4');
  writeNpy(p('ints.npy'), Int32Array.of(1, 0, 0, 1), [2, 2], 'i4');
  writeFileSync(p('dtype.npy'), readFileSync(p('small.npy')).toString('latin1').replace("'<f4'", "'<c8'"), 'latin1');
  writeFileSync(p('odd.bin'), new Uint8Array(10));
  writeFileSync(p('feats.txt'), '1 2 3\n');
  writeFileSync(p('notimage.jpg'), 'GIF89a, or rather not');
  mkdirSync(p('folder.npy'));
  writeLabels(p('short.npy'), Int32Array.of(0, 1));
  writeLabels(p('l3.npy'), Int32Array.of(0, 1, 2));
  writeFileSync(p('bad.meta'), '0\nx\n1\n2\n');
  writeKnn(p('badknn.npy'), { n: 4, k: 1, indices: Int32Array.of(0, 1, 1, 9, 2, 3, 3, 2) });
  writeKnn(p('wrongn.npy'), { n: 2, k: 1, indices: Int32Array.of(0, 1, 1, 0) });
  writeKnn(p('noself.npy'), { n: 4, k: 1, indices: Int32Array.of(1, 0, 1, 0, 2, 3, 3, 2) });
  writeKnn(p('twice.npy'), { n: 4, k: 2, indices: Int32Array.of(0, 1, 1, 1, 0, 2, 2, 3, 0, 3, 2, 1) });
  const k3 = new Int32Array(200 * 4);
  for (let i = 0; i < 200; i++) for (let j = 0; j < 4; j++) k3[i * 4 + j] = (i + j) % 200;
  writeKnn(p('k3.npy'), { n: 200, k: 3, indices: k3 });
  writeFileSync(p('notzip.npz'), 'PK but not really');
  writeFileSync(p('faces2.json'), JSON.stringify([{ image: 'a.jpg' }, { image: 'b.jpg' }]));
  writeFileSync(p('facesbad.json'), '[{"image": "a.jpg"}, {"box": [1, 2]}');
  writeFileSync(p('nodata.npz'), zipSync({ 'other.npy': readFileSync(p('small.npy')) }));
  // damaged models: bad JSON, another width, cut weights, one flipped byte
  const model = (name: string, config: string | Buffer, weights: Buffer) => {
    mkdirSync(p(name));
    writeFileSync(join(p(name), 'config.json'), config);
    writeFileSync(join(p(name), 'model.safetensors'), weights);
    return p(name);
  };
  const config = readFileSync(join(MODEL, 'config.json')), weights = readFileSync(join(MODEL, 'model.safetensors'));
  model('badjson', '{"format": ', weights);
  model('cut', config, weights.subarray(0, 5000));
  const flipped = Buffer.from(weights);
  flipped[flipped.length - 3]! ^= 0x55;
  model('flipped', config, flipped);
  model('otherarch', config.toString().replace('"dim": 128', '"dim": 64'), weights);
  // a training folder holding a damaged checkpoint
  mkdirSync(p('run'));
  writeFileSync(join(p('run'), 'checkpoint.safetensors'), flipped);
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) out[name.replace(/\.\w+$/, '')] = p(name);
  return out;
}

test('bad input: one line naming the file and the problem, exit code 2, no output left behind', (t) => {
  const dir = tempDir(t);
  const f = makeInputs(dir);
  const before = readdirSync(dir).sort();
  const out = join(dir, 'out.npy');
  const model = join(dir, 'newmodel');
  const cases: [string[], RegExp][] = [
    // features
    [['cluster', '--features', join(dir, 'missing.npy'), '--out', out], /missing.npy: no such file/],
    [['cluster', '--features', join(dir, 'folder.npy'), '--out', out], /folder.npy: is a directory, expected a file/],
    [['cluster', '--features', f.empty!, '--out', out], /empty.npy: not a .npy file \(bad magic bytes\)/],
    [['cluster', '--features', f.trunc!, '--out', out], /trunc.npy: truncated: shape \(4, 2\) needs 32 data bytes/],
    [['cluster', '--features', f.nan!, '--out', out], /nan.npy: row 1, column 0 is NaN/],
    [['cluster', '--features', f.inf!, '--out', out], /inf.npy: row 1, column 0 is Infinity/],
    [['cluster', '--features', f.zero!, '--out', out], /zero.npy: row 1 is a zero vector/],
    [['cluster', '--features', f.small!, '--normalized', '--out', out], /small.npy: the features are said to be unit vectors \(normalized\), but row 1 has norm 0\.9055/],
    [['knn', '--features', f.small!, '--normalized', '--k', '2', '--out', out], /the features are said to be unit vectors \(normalized\), but row 1 has norm 0\.9055/],
    [['cluster', '--features', f.cube!, '--out', out], /cube.npy: features must be 2-D \(N×D\), got shape \(1, 2, 2\)/],
    [['cluster', '--features', f.ints!, '--out', out], /ints.npy: features must be floating point, got dtype i4/],
    [['cluster', '--features', f.dtype!, '--out', out], /dtype.npy: unsupported dtype '<c8'/],
    [['cluster', '--features', f.odd!, '--out', out], /odd.bin: .bin features need the row width \(--dim D\)/],
    [['cluster', '--features', f.odd!, '--dim', '4', '--out', out], /odd.bin: size 10 bytes is not a whole number of 4-d float32 rows/],
    [['cluster', '--features', f.feats!, '--out', out], /feats.txt: cannot tell the format of features from extension '.txt'/],
    [['knn', '--features', f.nan!, '--out', out], /nan.npy: row 1, column 0 is NaN/],
    // labels
    [['cluster', '--features', f.small!, '--labels', f.short!, '--out', out], /short.npy: has 2 labels but there are 4 faces/],
    [['cluster', '--features', f.small!, '--labels', f.bad!, '--method', 'threshold', '--k', '3', '--out', out], /bad.meta: line 2 \('x'\) is not a 32-bit integer label/],
    [['train', '--features', f.f4!, '--labels', f.l3!, '--out', model], /l3.npy: has 3 labels but there are 4 faces/],
    [['eval', '--labels', f.short!, '--pred', f.small!], /small.npy: labels must be 1-D \(N\) or N×1, got shape \(4, 2\)/],
    [['eval', '--labels', LABELS, '--pred', f.short!], /short.npy: has 2 predictions but .* has 6929 labels/],
    // kNN graphs
    [['cluster', '--features', f.small!, '--knn', f.badknn!, '--out', out], /badknn.npy: row 1, column 1: index 9 is out of range \[0, 4\)/],
    [['cluster', '--features', f.small!, '--knn', f.wrongn!, '--out', out], /wrongn.npy: has 2 rows but there are 4 faces/],
    [['cluster', '--features', f.small!, '--knn', f.noself!, '--out', out], /noself.npy: row 0 does not start with itself/],
    [['cluster', '--features', f.small!, '--knn', f.twice!, '--out', out], /twice.npy: row 0 lists 1 twice/],
    [['cluster', '--features', f.f200!, '--knn', f.k3!, '--k-at-hop', '80', '5', '--out', out], /k3.npy: has K = 3 neighbours a row, fewer than the 80 needed/],
    [['cluster', '--features', f.small!, '--knn', f.notzip!, '--out', out], /notzip.npz: not a readable zip archive/],
    [['cluster', '--features', f.small!, '--knn', f.nodata!, '--out', out], /nodata.npz: .npz archive has no 'data' array/],
    [['cluster', '--features', f.small!, '--knn', join(dir, 'x.npy'), '--out', out], /x.npy: no such file/],
    // faces.json
    [['cluster', '--features', f.small!, '--faces', f.faces2!, '--method', 'threshold', '--k', '3', '--out', out], /faces2.json: has 2 entries but there are 4 faces/],
    [['cluster', '--features', f.small!, '--faces', f.facesbad!, '--method', 'threshold', '--k', '3', '--out', out], /facesbad.json: not valid JSON/],
    // sizes and options
    [['cluster', '--features', f.small!, '--method', 'threshold', '--k', '4', '--out', out], /k = 4 is larger than N − 1 = 3/],
    [['knn', '--features', f.small!, '--k', '9', '--out', out], /k = 9 is larger than N − 1 = 3/],
    [['cluster', '--features', f.f4!, '--k-at-hop', '80', '5', '--out', out], /f4.npy: k1 = 80 \(--k-at-hop\) needs at least 81 faces, there are 4/],
    [['train', '--features', f.f4!, '--labels', f.short!.replace('short', 'l3'), '--k-at-hop', '80', '5', '--out', model], /has 3 labels but there are 4 faces/],
    // models
    [['cluster', '--features', f.small!, '--method', 'gcn', '--out', out], /the model takes 128-d features, these are 2-d/],
    [['cluster', '--features', f.small!, '--model', join(dir, 'nomodel'), '--out', out], /nomodel: no model here/],
    [['cluster', '--features', f.f4!, '--model', f.badjson!, '--out', out], /badjson\/config.json: not valid JSON/],
    [['cluster', '--features', f.f4!, '--model', f.cut!, '--out', out], /cut\/model.safetensors: truncated: tensor/],
    [['cluster', '--features', f.f4!, '--model', f.flipped!, '--out', out], /flipped\/model.safetensors: checksum mismatch: the file is damaged/],
    [['cluster', '--features', f.f4!, '--model', f.otherarch!, '--out', out], /otherarch\/config.json: architecture in config.json does not match the weights/],
    // training: a damaged checkpoint is refused, never half-loaded; an existing one is not overwritten
    [['train', '--features', f.f4!, '--labels', join(dir, 'l4.npy'), '--out', model], /l4.npy: no such file/],
    // images
    [['embed', f.feats!.replace('feats.txt', 'notimage.jpg'), '--out', model], /notimage.jpg: not a readable image \(.*\), skipped\nfacecluster: no faces found in 1 photo\n/],
    [['embed', join(dir, 'nophotos'), '--out', model], /nophotos: no such file or folder/],
    // outputs
    // options
    [['cluster', '--features', f.small!, '--descriptors', 'arcface', '--out', out], /--descriptors: no measurements of 'arcface'; known: face-api, or unknown/],
    [['cluster', '--features', f.small!, '--threshold', '-0.5', '--out', out], /--threshold -0.5: the infomap method needs a cosine from 0 to 1 \(or auto\)/],
    [['assign', '--features', f.small!, '--clusters', f.small!, '--knn', f.small!, '--new', f.small!, '--descriptors', 'arcface', '--out', out], /--descriptors: no measurements of 'arcface'/],
    [['cluster', '--features', f.small!, '--out', join(dir, 'out.txt')], /out.txt: cannot tell the format of labels/],
    [['export', '--out', join(dir, 'model.txt')], /model.txt: the exported model is written as .onnx/],
    [['report', '--pred', f.short!, '--out', join(dir, 'report.txt')], /report.txt: the report is written as .html/],
    [['report', '--pred', f.short!, '--train-log', f.feats!, '--out', join(dir, 'report.html')], /feats.txt: line 1 is not an epoch record/],
    [['cluster', '--features', f.small!, '--method', 'threshold', '--k', '3', '--out', join(dir, 'nodir/out.npy')], /out.npy: cannot write/],
  ];
  writeLabels(join(dir, 'labels4.npy'), Int32Array.of(0, 0, 1, 1));
  const l4 = join(dir, 'labels4.npy');
  cases.push(
    [['train', '--features', f.f4!, '--labels', l4, '--k-at-hop', '2', '1', '--active-connection', '1', '--out', f.run!, '--resume'], /run\/checkpoint.safetensors: checksum mismatch: the file is damaged/],
    [['train', '--features', f.f4!, '--labels', l4, '--k-at-hop', '2', '1', '--active-connection', '1', '--out', f.run!], /run: a checkpoint is already here: pass --resume to continue it/],
    [['train', '--features', f.f4!, '--labels', l4, '--k-at-hop', '80', '5', '--out', model], /f4.npy: k1 = 80 \(--k-at-hop\) needs at least 81 faces, there are 4/],
  );
  for (const [args, re] of cases) {
    const r = run(...args);
    const what = args.join(' ');
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, re, what);
    // embed warns about each photo it skips before it gives up: its error is the last line
    const lines = r.stderr.trim().split('\n').filter((l) => !(args[0] === 'embed' && /^facecluster: warning: /.test(l)));
    assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(existsSync(out), false, what);
    assert.equal(existsSync(model), false, what);
  }
  // nothing but the inputs is left (no temporary files either), and the damaged checkpoint is as it was
  assert.deepEqual(readdirSync(dir).sort(), [...before, 'labels4.npy'].sort());
  assert.deepEqual(readdirSync(f.run!), ['checkpoint.safetensors']);
  // an existing output survives a failed run untouched
  copyFileSync(f.small!, out);
  assert.equal(run('cluster', '--features', f.nan!, '--out', out).code, 2);
  assert.deepEqual(readFileSync(out), readFileSync(f.small!));
});

test('with default settings a tiny set still clusters: k shrinks to fit, with a notice (default method and gcn)', (t) => {
  const dir = tempDir(t);
  const lfw = readFeatures(FEATS);
  for (const n of [2, 3]) {
    const feats = join(dir, `f${n}.npy`), out = join(dir, `p${n}.npy`);
    writeNpy(feats, lfw.data.subarray(0, n * 128), [n, 128], 'f4');
    // face-api's descriptors, recognised face by face: its prior gives the cut
    let r = run('cluster', '--features', feats, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`note: only ${n} faces: k shrinks to ${n - 1}`));
    assert.match(r.stderr, new RegExp(`facecluster: ${n} faces: 0 people with two faces or more, ${n} faces alone; link cut 0\\.9\\d\\d \\(face-api descriptors, ${n} different faces\\)`));
    assert.ok(existsSync(out));
    // an unknown model: nothing to read a cut from
    r = run('cluster', '--features', feats, '--descriptors', 'unknown', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`note: only ${n} different faces and no known descriptor model: only identical faces are linked`));
    assert.match(r.stderr, new RegExp(`facecluster: ${n} faces: 0 people with two faces or more, ${n} faces alone; link cut 1\\.000 \\(too few faces`));
    r = run('cluster', '--features', feats, '--method', 'gcn', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`note: only ${n} faces: k_at_hop shrinks to ${n - 1}`));
  }
});
