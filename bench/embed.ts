/**
 * Embedding throughput: `npm run bench:embed [-- --photos DIR] [--json]`. Describes every photo
 * of DIR (default ../shared/data/lfw-sample) with 1 worker thread and with one per core, and
 * checks that both give the same faces and descriptors.
 */
import { availableParallelism } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { embedPhotos, type Photo } from '../src/embed/parallel.js';
import type { PhotoResult } from '../src/embed/photo.js';

const { values } = parseArgs({ options: { photos: { type: 'string', default: fileURLToPath(new URL('../../../shared/data/lfw-sample', import.meta.url)) }, json: { type: 'boolean' } } });
const root = values.photos!;
const photos: Photo[] = [];
const walk = (p: string) => {
  if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
  else if (/\.(jpe?g|png)$/i.test(p)) photos.push({ path: p, image: relative(root, p) });
};
walk(root);

const out: Record<string, number> = { photos: photos.length };
const runs: string[] = [];
for (const workers of [...new Set([1, availableParallelism()])]) {
  const results = new Map<string, PhotoResult>();
  const t = performance.now();
  await embedPhotos(photos, { workers, onResult: (p, r) => results.set(p.image, r) });
  const s = (performance.now() - t) / 1000;
  out[`photos_per_s_${workers}_workers`] = Math.round((photos.length / s) * 100) / 100;
  runs.push(JSON.stringify(photos.map((p) => results.get(p.image))));
  if (!values.json) console.log(`${workers} worker${workers > 1 ? 's' : ''}: ${photos.length} photos in ${s.toFixed(1)} s, ${(photos.length / s).toFixed(2)} photos/s`);
}
out.same_results = runs.every((r) => r === runs[0]) ? 1 : 0;
if (!values.json) console.log(`same faces and descriptors with every worker count: ${out.same_results === 1}`);
else console.log(JSON.stringify(out));
