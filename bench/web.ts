/**
 * The page against the CLI on the same photos: `npm run bench:web [-- --photos DIR] [--json]`.
 * The page (dist/site, served as `facecluster web` does) in headless Chromium (/usr/bin/chromium)
 * is given every photo of DIR (default ../shared/data/lfw-sample) through its file input; its own
 * timings (body data-photos-seconds, data-cluster-seconds) are read when it is done. The CLI runs
 * `embed --threads 1` (the page describes photos on one worker) and `cluster` on the same photos.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { siteMounts, startSiteServer } from '../src/site/server.node.js';

// the little of the DOM the functions run in the page use (the project's TypeScript has no DOM types; the page's CSP refuses code in strings)
declare const document: { body: { dataset: Record<string, string | undefined> }; querySelectorAll(selector: string): { length: number } };

const { values } = parseArgs({ options: { photos: { type: 'string', default: fileURLToPath(new URL('../../../shared/data/lfw-sample', import.meta.url)) }, json: { type: 'boolean' } } });
const files: string[] = [];
const walk = (p: string) => {
  if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
  else if (/\.(jpe?g|png)$/i.test(p)) files.push(p);
};
walk(values.photos!);
const log = (s: string) => { if (!values.json) console.log(s); };
const out: Record<string, number> = { photos: files.length };

const site = await startSiteServer(siteMounts(), { port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await browser.newPage();
  let t = performance.now();
  await page.goto(site.url);
  await page.waitForFunction(() => document.body.dataset.state === 'idle', null, { timeout: 300_000 });
  out.page_load_s = (performance.now() - t) / 1000;
  t = performance.now();
  await page.setInputFiles('#photos', files);
  await page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error', null, { timeout: 1_800_000 });
  out.page_total_s = (performance.now() - t) / 1000;
  const timings = await page.evaluate(() => ({ photos: Number(document.body.dataset.photosSeconds), cluster: Number(document.body.dataset.clusterSeconds),
    faces: document.querySelectorAll('.face').length }));
  out.page_s_per_photo = timings.photos / files.length;
  out.page_cluster_s = timings.cluster;
  out.page_faces = timings.faces;
  log(`page (headless Chromium): models loaded in ${out.page_load_s.toFixed(1)} s; ${files.length} photos in ${timings.photos.toFixed(1)} s (${out.page_s_per_photo.toFixed(3)} s a photo), ${timings.faces} faces clustered in ${timings.cluster.toFixed(2)} s`);
} finally {
  await browser.close();
  await site.close();
}

const dir = mkdtempSync(join(tmpdir(), 'facecluster-bench-web-'));
try {
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const timed = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return (performance.now() - t) / 1000;
  };
  const embedS = timed(['embed', values.photos!, '--out', dir, '--threads', '1', '--quiet']);
  out.cli_s_per_photo = embedS / files.length;
  out.cli_cluster_s = timed(['cluster', '--features', join(dir, 'features.npy'), '--faces', join(dir, 'faces.json'), '--out', join(dir, 'labels.npy'), '--quiet']);
  log(`CLI (1 thread): ${files.length} photos in ${embedS.toFixed(1)} s (${out.cli_s_per_photo.toFixed(3)} s a photo, start-up included), cluster ${out.cli_cluster_s.toFixed(2)} s (process start-up included)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (values.json) console.log(JSON.stringify(out));
