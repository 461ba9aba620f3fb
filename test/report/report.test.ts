import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import sharp from 'sharp';
import { readFeatures, readLabels, writeLabels } from '../../src/io/files.node.js';
import { writeNpy } from '../../src/io/files.node.js';
import { renderReport } from '../../src/report/index.js';
import { ROOT, SHARED, tempDir } from '../helpers.js';

test('renderReport: the sections, galleries and error tables a small hand-made case calls for, with names escaped', async () => {
  const edges = { src: Int32Array.of(0, 1, 3, 2), dst: Int32Array.of(1, 2, 4, 3), score: Float64Array.of(0.9, 0.7, 0.8, 0.2) };
  const trainLog = [1, 2].map((epoch) => ({ epoch, lr: 0.01, loss: 1 / epoch, train: { precision: 0.9, recall: 0.5 * epoch, accuracy: 0.8 }, seconds: 3 }));
  const faces = Array.from({ length: 6 }, (_, i) => ({ image: i === 0 ? '<script>alert(1)</script>.jpg' : `p${i}.jpg` }));
  const html = (await renderReport({ labels: Int32Array.of(0, 0, 0, 1, 1, 2), truth: Int32Array.of(0, 0, 1, 1, 1, 2), edges, trainLog, faces })).join('');
  for (const id of ['summary', 'size-histogram', 'score-histogram', 'pr-curve', 'pr-table', 'merges', 'splits', 'training-curves', 'gallery']) assert.match(html, new RegExp(`id="${id}"`), id);
  assert.match(html, /6 faces in 3 clusters \(1 of one face; largest 3\)/);
  assert.equal(html.match(/<div class="cluster"/g)?.length, 2, 'clusters of two faces or more');
  // cluster 0 holds faces of identities 0, 0, 1: one merge; identity 1 is split over clusters 0 and 1
  const rows = (id: string) => html.split(`id="${id}"`)[1]!.split('</table>')[0]!.match(/<tr><td>/g)?.length ?? 0;
  assert.equal(rows('merges'), 1);
  assert.equal(rows('splits'), 1);
  assert.equal(rows('pr-table'), 19);
  assert.equal(html.split('id="score-histogram"')[1]!.split('</svg>')[0]!.match(/<rect /g)?.length, 20);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&#60;script&#62;/);
});

const CHROMIUM = '/usr/bin/chromium';

test('the report of lfw-sample renders in headless Chromium without errors and shows every cluster with its photos', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install chromium)` }, async (t) => {
  const { chromium } = await import('playwright-core');
  const dir = tempDir(t);
  const sample = join(SHARED, 'data/lfw-sample');
  const rows = readFileSync(join(sample, 'index.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const all = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const data = new Float32Array(rows.length * all.dim);
  rows.forEach(([row], i) => { data.set(all.data.subarray(Number(row) * all.dim, (Number(row) + 1) * all.dim), i * all.dim); });
  writeNpy(join(dir, 'f.npy'), data, [rows.length, all.dim], 'f4');
  writeLabels(join(dir, 'truth.npy'), Int32Array.from(rows, (r) => Number(r[1])));
  writeFileSync(join(dir, 'faces.json'), JSON.stringify(rows.map((r) => ({ image: join(sample, r[2]!) }))));
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'cluster', '--features', join(dir, 'f.npy'), '--labels', join(dir, 'truth.npy'),
    '--faces', join(dir, 'faces.json'), '--out', join(dir, 'pred.npy'), '--report', join(dir, 'report.html')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const pred = readLabels(join(dir, 'pred.npy'));
  const sizes = new Map<number, number>();
  for (const l of pred) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const multi = [...sizes.values()].filter((s) => s > 1).length;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    // a string, run in the page: the project's TypeScript has no DOM types
    const seen = await page.evaluate(`({
      clusters: document.querySelectorAll('#gallery .cluster').length,
      images: [...document.querySelectorAll('#gallery img')].map((img) => img.complete && img.naturalWidth > 0),
      sizeBars: document.querySelectorAll('#size-histogram rect').length,
      scoreBars: document.querySelectorAll('#score-histogram rect').length,
      prRows: document.querySelectorAll('#pr-table tbody tr').length,
      curves: document.querySelectorAll('#pr-curve polyline').length,
      visible: document.querySelector('#gallery').offsetHeight > 0,
    })`) as { clusters: number; images: boolean[]; sizeBars: number; scoreBars: number; prRows: number; curves: number; visible: boolean };
    assert.deepEqual(problems, []);
    assert.equal(seen.clusters, multi);
    assert.ok(seen.images.length > 0 && seen.images.every(Boolean), `${seen.images.filter((x) => !x).length} of ${seen.images.length} photos did not load`);
    assert.ok(seen.sizeBars > 0);
    assert.equal(seen.scoreBars, 20);
    assert.equal(seen.prRows, 19);
    assert.equal(seen.curves, 2);
    assert.ok(seen.visible);
  } finally {
    await browser.close();
  }
});

test('facecluster report: from cluster outputs, labels and a training log, written atomically', (t) => {
  const dir = tempDir(t);
  const f = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  writeNpy(join(dir, 'f.npy'), f.data.subarray(0, 300 * f.dim), [300, f.dim], 'f4');
  writeLabels(join(dir, 'truth.npy'), readLabels(join(ROOT, 'data/lfw-test.labels.npy')).slice(0, 300));
  const log = `${[0, 1].map((epoch) => JSON.stringify({ epoch, lr: 0.01, loss: 0.5 - 0.1 * epoch, train: { precision: 0.9, recall: 0.6, accuracy: 0.9 }, seconds: 10 })).join('\n')}\n`;
  writeFileSync(join(dir, 'train.log.jsonl'), log);
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { encoding: 'utf8' });
  let r = cli('cluster', '--features', join(dir, 'f.npy'), '--method', 'gcn', '--out', join(dir, 'pred.npy'), '--edges-out', join(dir, 'e.npy'), '--scores-out', join(dir, 's.npy'));
  assert.equal(r.status, 0, r.stderr);
  r = cli('report', '--pred', join(dir, 'pred.npy'), '--labels', join(dir, 'truth.npy'), '--edges', join(dir, 'e.npy'), '--scores', join(dir, 's.npy'),
    '--train-log', join(dir, 'train.log.jsonl'), '--title', 'first 300', '--out', join(dir, 'r.html'));
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  for (const id of ['score-histogram', 'pr-table', 'merges', 'splits', 'training-curves', 'training-table', 'gallery']) assert.match(html, new RegExp(`id="${id}"`), id);
  assert.match(html, /<title>first 300<\/title>/);
  assert.equal(html.split('id="training-table"')[1]!.split('</table>')[0]!.match(/<tr><td>/g)?.length, 2);
});

test('a report over 300 photos, phone-sized ones among them, shows every face as a small thumbnail of its box', async (t) => {
  const dir = tempDir(t);
  const sample = join(SHARED, 'data/lfw-sample');
  const rows = readFileSync(join(sample, 'index.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  // 296 lfw-sample photos under new names (4 copies of each), a 250×250 face box in the middle
  const faces: { image: string; box: number[] }[] = [];
  const labels: number[] = [];
  for (let copy = 0; copy < 4; copy++) {
    rows.forEach((r, i) => {
      const name = `c${copy}-${i}.jpg`;
      copyFileSync(join(sample, r[2]!), join(photos, name));
      faces.push({ image: `photos/${name}`, box: [70, 60, 110, 130] });
      labels.push(Number(r[1]));
    });
  }
  // four 12-megapixel photos of flat noise, a 400-pixel box each, in one cluster
  const big = await sharp(Uint8Array.from({ length: 4000 * 3000 * 3 }, (_, k) => (k * 2654435761) >>> 24), { raw: { width: 4000, height: 3000,
    channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  for (let i = 0; i < 4; i++) {
    writeFileSync(join(photos, `phone-${i}.jpg`), big);
    faces.push({ image: `photos/phone-${i}.jpg`, box: [1800, 1300, 400, 400] });
    labels.push(-1);
  }
  writeFileSync(join(dir, 'faces.json'), JSON.stringify(faces));
  writeLabels(join(dir, 'pred.npy'), Int32Array.from(labels));
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'report', '--pred', join(dir, 'pred.npy'), '--faces', join(dir, 'faces.json'), '--out', join(dir, 'r.html')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  const uris = [...html.matchAll(/<img class="face" src="data:image\/jpeg;base64,([^"]+)"/g)].map((m) => m[1]!);
  const shown = html.split('id="gallery"')[1]!.match(/class="face/g)!.length;
  t.diagnostic(`${uris.length} thumbnails, largest ${Math.max(...uris.map((u) => u.length))} base64 characters; page ${(html.length / 1e6).toFixed(2)} MB (photos: ${(4 * big.length / 1e6).toFixed(0)} MB of phone photos alone)`);
  assert.equal(uris.length, shown, 'every face shown is an image');
  assert.ok(uris.length >= 200);
  for (const u of uris) {
    const img = await sharp(Buffer.from(u, 'base64')).metadata();
    assert.equal(img.format, 'jpeg');
    assert.deepEqual([img.width, img.height], [96, 96]);
  }
  assert.ok(Math.max(...uris.map((u) => u.length)) < 16_000, 'a thumbnail is a few KB');
  assert.ok(html.length < 4 * big.length / 10, 'the page is far smaller than the photos');
});
