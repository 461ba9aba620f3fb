import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { photoIds } from '../../src/io/faces.js';
import { readFeatures, readLabels as readLabelsFrom } from '../../src/io/files.node.js';
import { evaluate } from '../../src/metrics/index.js';
import { clusterFaces } from '../../src/pipeline/cluster.js';
import { ROOT, SHARED, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const SAMPLE = join(SHARED, 'data/lfw-sample');
const INDEX = readFileSync(join(SAMPLE, 'index.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0, x = 0, y = 0;
  for (let i = 0; i < a.length; i++) { s += a[i]! * b[i]!; x += a[i]! * a[i]!; y += b[i]! * b[i]!; }
  return s / Math.sqrt(x * y);
}

interface Face { image: string; box: number[]; landmarks: number[][]; score: number; model: string }

test('embed lfw-sample: faces with boxes and landmarks, descriptors matching the shared data, clusters agreeing with the identities', (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, [CLI, 'embed', SAMPLE, '--out', out, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.photos, 76);
  const faces = JSON.parse(readFileSync(join(out, 'faces.json'), 'utf8')) as Face[];
  const f = readFeatures(join(out, 'features.npy'));
  assert.equal(f.n, faces.length);
  assert.equal(f.dim, 128);
  for (const face of faces) {
    assert.equal(face.box.length, 4);
    assert.equal(face.landmarks.length, 68);
    assert.ok(face.score >= 0.5 && face.score <= 1);
    assert.match(face.model, /face-api/);
  }
  // the largest face of each photo is its person: compare with the shared descriptors of that photo
  const lfw = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const byPath = new Map(INDEX.map(([row, label, path]) => [path!, { row: Number(row), label: Number(label) }]));
  const main: [number, { row: number; label: number }][] = [];
  const seen = new Set<string>();
  faces.forEach((face, i) => {
    const p = face.image.split('lfw-sample/')[1]!;
    if (!seen.has(p)) { seen.add(p); main.push([i, byPath.get(p)!]); }
  });
  assert.ok(main.length >= 70, `${main.length} of 76 photos gave a face`);
  assert.equal(summary.skipped, 76 - main.length);
  const sims = main.map(([i, m]) => cosine(f.data.subarray(i * 128, (i + 1) * 128), lfw.data.subarray(m.row * 128, (m.row + 1) * 128)));
  assert.ok(sims.reduce((a, b) => a + b, 0) / sims.length > 0.95, 'the same descriptor model as the shared data');
  t.diagnostic(`mean cosine to the shared descriptors ${(sims.reduce((a, b) => a + b, 0) / sims.length).toFixed(4)}`);
  return clusterFaces(f, { photos: photoIds(faces.map((x) => x.image)) }).then(({ labels }) => {
    const ev = evaluate(Int32Array.from(main, ([, m]) => m.label), Int32Array.from(main, ([i]) => labels[i]!));
    t.diagnostic(`B-Cubed P/R/F ${ev.bcubed.precision.toFixed(3)} ${ev.bcubed.recall.toFixed(3)} ${ev.bcubed.f.toFixed(3)}`);
    assert.ok(ev.bcubed.precision > 0.95 && ev.bcubed.f > 0.85);
  });
});

test('embed: a tight face crop works, unreadable and faceless images are skipped with a warning, --resume finishes an interrupted run', async (t) => {
  const dir = tempDir(t);
  const photos = join(dir, 'photos');
  mkdirSync(join(photos, 'nested'), { recursive: true });
  const picked = INDEX.slice(0, 8).map((r) => r[2]!);
  picked.forEach((p, i) => { copyFileSync(join(SAMPLE, p), join(photos, i % 2 ? 'nested' : '', `p${i}.jpg`)); });
  // a 112×112 crop around the middle of a photo, as aligned face sets ship, saved as PNG
  await sharp(join(SAMPLE, picked[0]!)).extract({ left: 125 - 56, top: 125 - 50, width: 112, height: 112 }).png().toFile(join(photos, 'crop.png'));
  writeFileSync(join(photos, 'broken.jpg'), 'not an image at all');
  await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080' } }).png().toFile(join(photos, 'blank.png'));

  const whole = join(dir, 'whole');
  const r = spawnSync(process.execPath, [CLI, 'embed', photos, '--out', whole], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /broken.jpg: not a readable image \(.*\), skipped/);
  assert.match(r.stderr, /blank.png: no face found, skipped/);
  assert.match(r.stderr, /2 skipped \(1 unreadable, 1 without a face\)/);
  const faces = JSON.parse(readFileSync(join(whole, 'faces.json'), 'utf8')) as Face[];
  const f = readFeatures(join(whole, 'features.npy'));
  const cropRows = faces.flatMap((x, i) => (x.image.endsWith('crop.png') ? [i] : []));
  assert.equal(cropRows.length, 1, 'one face in the crop');
  const fromPhoto = faces.findIndex((x) => x.image.endsWith('p0.jpg'));
  assert.ok(cosine(f.data.subarray(cropRows[0]! * 128, (cropRows[0]! + 1) * 128), f.data.subarray(fromPhoto * 128, (fromPhoto + 1) * 128)) > 0.8, 'the crop is described like the photo it came from');

  // interrupted with SIGKILL after a few photos, then resumed: the same outputs
  const part = join(dir, 'part');
  const child = spawn(process.execPath, [CLI, 'embed', photos, '--out', part], { stdio: 'ignore' });
  const exited = new Promise((res) => child.on('exit', res));
  const partial = join(part, 'embed.partial.jsonl');
  while (!(existsSync(partial) && readFileSync(partial, 'utf8').split('\n').length > 3)) await new Promise((res) => setTimeout(res, 50));
  child.kill('SIGKILL');
  await exited;
  const again = spawnSync(process.execPath, [CLI, 'embed', photos, '--out', part], { encoding: 'utf8' });
  assert.equal(again.status, 2);
  assert.match(again.stderr, /an interrupted embed run is here: pass --resume/);
  const resumed = spawnSync(process.execPath, [CLI, 'embed', photos, '--out', part, '--resume'], { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(readFeatures(join(part, 'features.npy')).data, f.data);
  assert.deepEqual(JSON.parse(readFileSync(join(part, 'faces.json'), 'utf8')), faces);
  assert.equal(existsSync(partial), false);
});

test('two photos of one person side by side in one image: embed finds both faces, cluster --faces keeps them apart', async (t) => {
  const dir = tempDir(t);
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const rios = INDEX.filter((r) => r[2]!.startsWith('Marcelo_Rios/')).map((r) => r[2]!);
  // LFW photos are 250×250
  await sharp({ create: { width: 500, height: 250, channels: 3, background: '#000' } })
    .composite([{ input: join(SAMPLE, rios[0]!), left: 0, top: 0 }, { input: join(SAMPLE, rios[1]!), left: 250, top: 0 }])
    .jpeg({ quality: 95 }).toFile(join(photos, 'side-by-side.jpg'));
  for (const p of rios.slice(2)) copyFileSync(join(SAMPLE, p), join(photos, p.split('/')[1]!));
  const out = join(dir, 'out');
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r;
  };
  run('embed', photos, '--out', out);
  const faces = JSON.parse(readFileSync(join(out, 'faces.json'), 'utf8')) as Face[];
  // faces of an image come largest first: the two portraits, then any face in their backgrounds
  const pair = faces.flatMap((f, i) => (f.image.endsWith('side-by-side.jpg') ? [i] : [])).slice(0, 2);
  assert.equal(pair.length, 2, 'both faces of the combined image');
  run('cluster', '--features', join(out, 'features.npy'), '--out', join(out, 'free.npy'));
  run('cluster', '--features', join(out, 'features.npy'), '--faces', join(out, 'faces.json'), '--out', join(out, 'apart.npy'));
  const free = readFeatures(join(out, 'features.npy'));
  t.diagnostic(`cosine of the two faces: ${cosine(free.data.subarray(pair[0]! * 128, pair[0]! * 128 + 128), free.data.subarray(pair[1]! * 128, pair[1]! * 128 + 128)).toFixed(3)}`);
  const apart = readLabelsFrom(join(out, 'apart.npy'));
  const together = readLabelsFrom(join(out, 'free.npy'));
  assert.equal(together[pair[0]!], together[pair[1]!], 'one person: without --faces they are one cluster');
  assert.notEqual(apart[pair[0]!], apart[pair[1]!], 'with --faces the two faces of one image are apart');
});

test('embed on aligned 112×112 crops of lfw-aligned: every crop described, as the bundled crop descriptors, people told apart; an enormous or truncated photo among them is skipped', async (t) => {
  const dir = tempDir(t);
  const crops = join(dir, 'crops');
  const paths = readFileSync(join(ROOT, 'data/lfw-test-aligned.paths.txt'), 'utf8').trim().split('\n');
  const bundled = readFeatures(join(ROOT, 'data/lfw-test-aligned.feats.npy'));
  const labels = readLabelsFrom(join(ROOT, 'data/lfw-test-aligned.labels.npy'));
  // the first 8 people with 3 or more crops, 3 crops each
  const byPerson = new Map<number, number[]>();
  paths.forEach((_, i) => { byPerson.set(labels[i]!, [...(byPerson.get(labels[i]!) ?? []), i]); });
  const rows = [...byPerson.values()].filter((r) => r.length >= 3).slice(0, 8).flatMap((r) => r.slice(0, 3));
  for (const r of rows) {
    mkdirSync(join(crops, paths[r]!.split('/')[0]!), { recursive: true });
    copyFileSync(join(SHARED, 'data/lfw-aligned', paths[r]!), join(crops, paths[r]!));
  }
  // a PNG whose header claims 20,000 × 20,000 pixels, and a JPEG cut in half
  const hugeBytes = await sharp({ create: { width: 1, height: 1, channels: 4, background: '#0000' } }).png().toBuffer();
  hugeBytes.writeUInt32BE(20000, 16);
  hugeBytes.writeUInt32BE(20000, 20);
  writeFileSync(join(crops, 'huge.png'), hugeBytes);
  const whole = readFileSync(join(SHARED, 'data/lfw-aligned', paths[rows[0]!]!));
  writeFileSync(join(crops, 'cut.jpg'), whole.subarray(0, Math.floor(whole.length / 2)));
  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, [CLI, 'embed', crops, '--out', out, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /huge.png: image of 20000×20000 pixels, more than the 200 megapixels read, skipped/);
  const summary = JSON.parse(r.stdout);
  const faces = JSON.parse(readFileSync(join(out, 'faces.json'), 'utf8')) as Face[];
  const f = readFeatures(join(out, 'features.npy'));
  // every crop gives exactly one face, found by the landmark net (68 points); the cut JPEG is decoded as far as it goes or skipped
  const cropFaces = faces.filter((x) => !x.image.endsWith('cut.jpg'));
  assert.equal(cropFaces.length, rows.length);
  assert.ok(summary.skipped >= 1 && summary.skipped <= 2);
  assert.ok(cropFaces.every((x) => x.landmarks.length === 68));
  // the bundled descriptors' (bench:aligned, 2026-12-03, when photos were decoded with jpeg-js:
  // sharp's JPEG decoder rounds differently, which moves a descriptor by cosine 0.0025 at most)
  const sims = cropFaces.map((x) => {
    const i = faces.indexOf(x), r0 = paths.indexOf(x.image.split('crops/')[1]!);
    return cosine(f.data.subarray(i * 128, (i + 1) * 128), bundled.data.subarray(r0 * 128, (r0 + 1) * 128));
  });
  t.diagnostic(`lowest cosine to the bundled descriptor: ${Math.min(...sims).toFixed(5)}`);
  assert.ok(Math.min(...sims) > 0.995);
  // each crop's nearest other crop is of the same person
  let hits = 0;
  cropFaces.forEach((x, a) => {
    let best = -2, bestB = -1;
    cropFaces.forEach((y, b) => {
      if (a === b) return;
      const s = cosine(f.data.subarray(faces.indexOf(x) * 128, faces.indexOf(x) * 128 + 128), f.data.subarray(faces.indexOf(y) * 128,
        faces.indexOf(y) * 128 + 128));
      if (s > best) { best = s; bestB = b; }
    });
    if (x.image.split('/').at(-2) === cropFaces[bestB]!.image.split('/').at(-2)) hits++;
  });
  t.diagnostic(`1-NN identity accuracy on ${cropFaces.length} crops: ${(hits / cropFaces.length).toFixed(3)}`);
  assert.ok(hits / cropFaces.length >= 0.9);
});
