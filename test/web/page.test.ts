import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { OnnxEngine } from '../../src/engine/onnx.js';
import { decodeLabels, encodeKnn } from '../../src/io/codecs.js';
import { readFeatures, readLabels } from '../../src/io/files.node.js';
import { npyToFloat32, decodeNpy } from '../../src/io/npy.js';
import { buildKnn, l2Normalize } from '../../src/knn/index.js';
import { evaluate } from '../../src/metrics/index.js';
import { loadModel } from '../../src/model/files.node.js';
import { scoreLinks } from '../../src/model/score.js';
import { clusterFaces } from '../../src/pipeline/cluster.js';
import { DEFAULT_MODEL_DIR } from '../../src/pipeline/defaults.node.js';
import { siteMounts, startSiteServer, type SiteServer } from '../../src/site/server.node.js';
import { buildSite } from '../../web/build.js';
import type { KnnGraph, ScoredEdges } from '../../src/types.js';
import { ROOT, samePartition, SHARED } from '../helpers.js';

// the little of the DOM that the functions run in the page use (the project's TypeScript has no DOM types)
interface Tagged { dataset: Record<string, string | undefined>; hidden?: boolean }
declare const document: { body: Tagged; querySelector(selector: string): Tagged | null; querySelectorAll(selector: string): { length: number } };
declare const location: { href: string };

const CHROMIUM = '/usr/bin/chromium';
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SAMPLE = join(SHARED, 'data/lfw-sample');
/** Screenshots for review (not compared): desktop and phone width. */
const SHOTS = join(ROOT, 'test-output');
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install chromium)`;

let site: SiteServer, browser: Browser, work: string;
const requests: string[] = [];

before(async () => {
  if (skip) return;
  work = join(ROOT, 'dist/test-web');
  await buildSite(join(work, 'site'));
  site = await startSiteServer(siteMounts(join(work, 'site')), { port: 0 });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});

after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(site.url);
  return page;
}

const photos = () => readdirSync(SAMPLE, { withFileTypes: true }).filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(SAMPLE, d.name)).map((f) => join(SAMPLE, d.name, f))).sort();
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);
/** Each face's key: its photo's file name and its rank in the photo (largest first), as both the CLI and the page order them. */
function faceKeys(images: string[]): string[] {
  const seen = new Map<string, number>();
  return images.map((image) => {
    const name = baseName(image), rank = seen.get(name) ?? 0;
    seen.set(name, rank + 1);
    return `${name}#${rank}`;
  });
}

interface Shown { face: number; image: string; person: string }
const shownFaces = (page: Page) => page.$$eval('.face', (els) => els.map((e) => {
  const { dataset } = e as unknown as Tagged;
  return { face: Number(dataset.face), image: dataset.image!, person: dataset.person! };
}));

async function download(page: Page, button: string): Promise<Uint8Array> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return new Uint8Array(readFileSync((await file.path())!));
}

test('the page groups lfw-sample\'s photos into its people, as the CLI does, with nothing sent anywhere', { skip }, async (t) => {
  // the CLI on the same photos
  const cli = join(work, 'cli');
  mkdirSync(cli, { recursive: true });
  for (const args of [['embed', SAMPLE, '--out', cli], ['cluster', '--features', join(cli, 'features.npy'), '--faces', join(cli, 'faces.json'), '--out', join(cli, 'labels.npy'), '--quiet']]) {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  const cliFaces = JSON.parse(readFileSync(join(cli, 'faces.json'), 'utf8')) as { image: string; box: number[] }[];
  const cliLabels = readLabels(join(cli, 'labels.npy'));
  const cliFeatures = readFeatures(join(cli, 'features.npy'));

  const page = await open();
  await page.waitForFunction(() => document.body.dataset.state === 'idle', null, { timeout: 120_000 });
  // once loaded, the page works with no network at all
  await page.context().setOffline(true);
  const started = performance.now();
  await page.setInputFiles('#photos', photos());
  await page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error', null, { timeout: 600_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'done', await page.textContent('#status') ?? '');
  // the CLI's summary line: the faces, the people, the cut and where it came from (face-api's descriptors are recognised)
  assert.match(await page.textContent('#status') ?? '', /^Done: \d+ faces: \d+ (people|person) with two faces or more, \d+ faces? alone; link cut 0\.\d{3} \(face-api descriptors, \d+ different faces\); \d+\.\d s\.$/);
  t.diagnostic(`page: ${((performance.now() - started) / 1000).toFixed(1)} s for ${photos().length} photos; ${await page.textContent('#status')}`);

  const shown = (await shownFaces(page)).sort((a, b) => a.face - b.face);
  assert.deepEqual(shown.map((s) => s.face), shown.map((_, i) => i), 'every face shown once');
  const pageKeys = faceKeys(shown.map((s) => s.image));
  const cliKeys = faceKeys(cliFaces.map((f) => f.image));
  assert.deepEqual([...pageKeys].sort(), [...cliKeys].sort(), 'the same faces found in the same photos');
  // the same clusters, face for face
  const cliLabelOf = new Map(cliKeys.map((k, i) => [k, cliLabels[i]!]));
  const pagePerson = Int32Array.from(shown, (s) => Number(s.person));
  assert.ok(samePartition(pagePerson, Int32Array.from(pageKeys, (k) => cliLabelOf.get(k)!)), 'the same clusters as embed + cluster on the CLI');
  // each person's faces together: the main face of each photo against the folder it is in
  const folderOf = new Map(photos().map((p) => [baseName(p), p.split('/').at(-2)!]));
  const main = shown.filter((_, i) => pageKeys[i]!.endsWith('#0'));
  const folders = [...new Set(main.map((s) => folderOf.get(s.image)!))];
  const ev = evaluate(Int32Array.from(main, (s) => folders.indexOf(folderOf.get(s.image)!)), Int32Array.from(main, (s) => Number(s.person)));
  t.diagnostic(`B-Cubed P/R/F ${ev.bcubed.precision.toFixed(3)} ${ev.bcubed.recall.toFixed(3)} ${ev.bcubed.f.toFixed(3)} on ${main.length} photos' main faces`);
  assert.equal(ev.bcubed.precision, 1);

  // the exports are the CLI's formats, with the CLI's values
  const features = decodeNpy(await download(page, '#export-features'), 'features.npy');
  assert.deepEqual(features.shape, [shown.length, 128]);
  const pageRows = npyToFloat32(features);
  let worst = 0;
  pageKeys.forEach((k, i) => {
    const j = cliKeys.indexOf(k);
    for (let d = 0; d < 128; d++) worst = Math.max(worst, Math.abs(pageRows[i * 128 + d]! - cliFeatures.data[j * 128 + d]!));
  });
  t.diagnostic(`largest descriptor difference page vs CLI: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4, `descriptors differ by ${worst}`);
  const exported = decodeLabels(await download(page, '#export-labels'), 'labels.npy');
  assert.ok(samePartition(exported, pagePerson));
  const facesJson = JSON.parse(new TextDecoder().decode(await download(page, '#export-faces'))) as { image: string; box: number[] }[];
  assert.deepEqual(facesJson.map((f) => f.image), shown.map((s) => s.image));

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'page-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, 'page-phone.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  // rename the largest person; select a face of it with the keyboard and move it to a new person
  const largest = shown.filter((s) => s.person === shown.find((x) => x.face === 0)!.person);
  await page.fill(`section[data-person="${largest[0]!.person}"] .name`, 'Andy');
  await page.press(`section[data-person="${largest[0]!.person}"] .name`, 'Enter');
  const last = largest.at(-1)!.face;
  await page.focus(`.face[data-face="${last}"]`);
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute(`.face[data-face="${last}"]`, 'aria-pressed'), 'true');
  await page.selectOption('#move-to', 'new');
  await page.click('#move');
  const movedTo = await page.getAttribute(`.face[data-face="${last}"]`, 'data-person');
  assert.ok(movedTo !== null && movedTo !== largest[0]!.person, 'moved out of its person');

  // "not the same person" on two faces of the largest person splits them, and the rest stays
  const [a, b] = [largest[0]!.face, largest[1]!.face];
  await page.click(`.face[data-face="${a}"]`);
  await page.click(`.face[data-face="${b}"]`);
  await page.click('#apart');
  await page.waitForFunction(([x, y]) => document.body.dataset.state === 'done'
    && document.querySelector(`.face[data-face="${x}"]`)?.dataset.person !== document.querySelector(`.face[data-face="${y}"]`)?.dataset.person, [a, b], { timeout: 120_000 });
  const after = (await shownFaces(page)).sort((x, y) => x.face - y.face);
  const untouched = (s: Shown) => !largest.some((l) => l.face === s.face);
  assert.ok(samePartition(Int32Array.from(after.filter(untouched), (s) => Number(s.person)), Int32Array.from(shown.filter(untouched), (s) => Number(s.person))),
    'other people unchanged');
  assert.equal(after[last]!.person, movedTo, 'the move outlives the new clustering');
  assert.ok(await page.$$eval('.name', (inputs) => inputs.some((i) => (i as unknown as { value: string }).value === 'Andy')), 'the name outlives it too');

  // the questions: two faces side by side; Y merges, N keeps apart, S moves on; the galleries follow each answer
  await page.waitForFunction(() => !document.querySelector('#review')!.hidden, null, { timeout: 30_000 });
  await page.locator('#review').screenshot({ path: join(SHOTS, 'page-questions.png') });
  const asked = async () => (await page.getAttribute('#review', 'data-faces'))!.split(' ').map(Number) as [number, number];
  const personOfFace = (f: number) => page.getAttribute(`.face[data-face="${f}"]`, 'data-person');
  const [y1, y2] = await asked();
  await page.keyboard.press('y');
  await page.waitForFunction(() => document.body.dataset.state === 'done' && !document.querySelector('#review')!.hidden, null, { timeout: 120_000 });
  assert.equal(await personOfFace(y1), await personOfFace(y2), 'yes: one person');
  const [n1, n2] = await asked();
  assert.notDeepEqual([n1, n2], [y1, y2], 'an answered question is not asked again');
  await page.click('#answer-no');
  await page.waitForFunction(() => document.body.dataset.state === 'done' && !document.querySelector('#review')!.hidden, null, { timeout: 120_000 });
  assert.notEqual(await personOfFace(n1), await personOfFace(n2), 'no: two people');
  assert.equal(await personOfFace(y1), await personOfFace(y2), 'the earlier yes holds through the new clustering');
  const before = await asked();
  const left = await page.textContent('#questions-left');
  await page.keyboard.press('s');
  assert.notDeepEqual(await asked(), before, 'skip: the next question');
  assert.notEqual(await page.textContent('#questions-left'), left);

  // Cancel while photos are being described: the work stops, the faces found before stay, the page is ready again
  await page.setInputFiles('#photos', photos().slice(0, 20));
  await page.waitForFunction(() => document.body.dataset.state === 'working', null, { timeout: 30_000 });
  await page.click('#cancel');
  await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 120_000 });
  assert.match(await page.textContent('#status') ?? '', /^Cancelled/);
  assert.equal((await shownFaces(page)).length, shown.length);

  // a folder through the folder picker adds its photos' faces to the people
  const folder = join(SAMPLE, 'Edward_Lu');
  await page.setInputFiles('#folder', folder);
  await page.waitForFunction((n) => document.body.dataset.state === 'done' && document.querySelectorAll('.face').length > n, shown.length, { timeout: 120_000 });
  const added = (await shownFaces(page)).filter((s) => s.face >= shown.length);
  // the same photos give faces as when they came one by one
  assert.deepEqual(added.map((s) => s.image).sort(), shown.filter((s) => folderOf.get(s.image) === 'Edward_Lu').map((s) => s.image).sort());
  assert.ok(added.length > 0);
  await page.close();
  const foreign = requests.filter((u) => !u.startsWith(site.url) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'requests to other origins');
});

test('the browser build gives the CLI\'s labels on lfw-test and its link scores within 1e-4', { skip }, async (t) => {
  const featuresPath = join(ROOT, 'data/lfw-test.feats.npy');
  const features = readFeatures(featuresPath);
  const model = loadModel(DEFAULT_MODEL_DIR);
  const unit = l2Normalize(features);
  const pivots = 200;
  const engine = new OnnxEngine();
  let knn: KnnGraph, edges: ScoredEdges;
  try {
    knn = await buildKnn(unit, { k: model.config.ips.k1, normalized: true, engine });
    edges = await scoreLinks(model.params, unit, knn, { ips: model.config.ips, backend: engine, pivots: Int32Array.from({ length: pivots }, (_, i) => i) });
  } finally {
    await engine.dispose();
  }
  const page = await open();
  // the test data, served from the page's own origin by request interception: the features and Node's kNN graph
  await page.route('**/test-data/lfw-test.feats.npy', (route) => route.fulfill({ body: readFileSync(featuresPath), contentType: 'application/octet-stream' }));
  await page.route('**/test-data/knn.npy', (route) => route.fulfill({ body: Buffer.concat([...encodeKnn('knn.npy', knn)]), contentType: 'application/octet-stream' }));
  const started = performance.now();
  const inBrowser = await page.evaluate(async (pivots) => {
    const entry = '/facecluster.js';
    const fc = await import(entry);
    fc.ortEnv.wasm.wasmPaths = new URL('/ort/', location.href).href;
    const get = async (name: string) => new Uint8Array(await (await fetch(`/test-data/${name}`)).arrayBuffer());
    const features = fc.decodeFeatures(await get('lfw-test.feats.npy'), 'lfw-test.feats.npy');
    const t0 = performance.now();
    const { labels } = await fc.clusterFaces(features);
    const clusterSeconds = (performance.now() - t0) / 1000;
    const model = await fc.fetchModel('/models/lfw-128/');
    const unit = fc.l2Normalize(features);
    const engine = new fc.OnnxEngine();
    // the browser's own kNN graph, and the GCN's scores over Node's
    const own = await fc.buildKnn(unit, { k: model.config.ips.k1, normalized: true, engine });
    const knn = fc.decodeKnn(await get('knn.npy'), 'knn.npy');
    const t1 = performance.now();
    const edges = await fc.scoreLinks(model.params, unit, knn, { ips: model.config.ips, backend: engine, pivots: Int32Array.from({ length: pivots },
      (_: unknown, i: number) => i) });
    return { labels: Array.from(labels as Int32Array), knn: Array.from(own.indices as Int32Array), src: Array.from(edges.src as Int32Array),
      dst: Array.from(edges.dst as Int32Array), score: Array.from(edges.score as Float64Array), clusterSeconds, gcnSeconds: (performance.now() - t1) / 1000 };
  }, pivots);
  t.diagnostic(`in Chromium: default clustering of lfw-test ${inBrowser.clusterSeconds.toFixed(1)} s, GCN scores of ${pivots} pivots ${inBrowser.gcnSeconds.toFixed(1)} s; all ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await page.close();

  const { labels } = await clusterFaces(features);
  assert.deepEqual(inBrowser.labels, Array.from(labels), 'the same labels as in Node');
  // kNN rows: the same neighbours (their order may differ where two similarities tie to float precision)
  const w = knn.k + 1;
  let differing = 0;
  for (let i = 0; i < knn.n; i++) {
    const a = new Set(knn.indices.subarray(i * w, (i + 1) * w)), b = inBrowser.knn.slice(i * w, (i + 1) * w);
    if (!b.every((x) => a.has(x))) differing++;
  }
  t.diagnostic(`kNN rows with other neighbours than Node's: ${differing} of ${knn.n}`);
  assert.ok(differing <= knn.n * 0.001, `${differing} kNN rows differ`);
  assert.deepEqual(inBrowser.src, Array.from(edges.src));
  assert.deepEqual(inBrowser.dst, Array.from(edges.dst));
  const worst = inBrowser.score.reduce((m, s, i) => Math.max(m, Math.abs(s - edges.score[i]!)), 0);
  t.diagnostic(`${edges.score.length} link scores of ${pivots} pivots; largest difference ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-4, `scores differ by ${worst}`);
});
