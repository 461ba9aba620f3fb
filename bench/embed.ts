/**
 * Embedding throughput and memory: `npm run bench:embed [-- --photos DIR] [--json] [--small-faces-only]`.
 *
 * Two sets: the photos of DIR (default ../shared/data/lfw-sample: 76 LFW photos, 250×250) and
 * the same photos made phone-sized, 12-megapixel JPEGs (4032×3024 or 3024×4032, the LFW photo
 * scaled up to fill the frame's height over a blurred copy of itself, every other one stored
 * sideways with EXIF orientation 6 as phones store portraits). Each set runs in a fresh process
 * with 1 worker thread and with one per core: photos a second (from the first result to the
 * last, start-up aside), peak resident memory of the whole process, and whether every worker
 * count gave the same faces and descriptors. Then the smallest faces found: 10 LFW photos each
 * scaled so that its face is 40 to 400 pixels high, set in a 4032×3024 frame over a blurred
 * background, found or not, the cosine of the descriptor to the original photo's, other faces
 * found, and seconds a photo (one thread), with one detector pass and with --min-face 80 and 40.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createFaceEmbedder, decodePhoto, IMAGE_EXTENSIONS, type EmbeddedFace } from '../src/embed/embedder.node.js';
import { seededRandom } from '../src/random.js';
import { embedPhotos, type Photo } from '../src/embed/parallel.node.js';
import type { PhotoResult } from '../src/embed/photo.node.js';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: fileURLToPath(new URL('../../../shared/data/lfw-sample', import.meta.url)) },
    json: { type: 'boolean' },
    // only the smallest faces found (the throughput runs take minutes)
    'small-faces-only': { type: 'boolean' },
    // internal: one measured run in this process
    run: { type: 'string' },
    workers: { type: 'string' },
  },
});

function photosUnder(root: string): Photo[] {
  const out: Photo[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
    else if (IMAGE_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e))) out.push({ path: p, image: relative(root, p) });
  };
  walk(root);
  return out;
}

if (values.run) {
  // one run: print {seconds, steady, rss, results}
  const photos = photosUnder(values.run);
  const results = new Map<string, PhotoResult>();
  const started = performance.now();
  let first = 0, last = 0;
  await embedPhotos(photos, {
    workers: Number(values.workers),
    onResult: (p, r, done) => {
      results.set(p.image, r);
      if (done === 1) first = performance.now();
      last = performance.now();
    },
  });
  const steady = photos.length > 1 ? (photos.length - 1) / ((last - first) / 1000) : 0;
  console.log(JSON.stringify({
    seconds: (performance.now() - started) / 1000, photosPerSecond: steady, peakRssMb: process.resourceUsage().maxRSS / 1024,
    faces: photos.reduce((s, p) => s + (results.get(p.image)?.faces?.length ?? 0), 0),
    results: JSON.stringify(photos.map((p) => results.get(p.image))),
  }));
} else if (values['small-faces-only']) {
  const found = await smallestFaces(photosUnder(values.photos!).slice(0, 10));
  if (values.json) console.log(JSON.stringify(found));
} else {
  const root = values.photos!;
  const work = mkdtempSync(join(tmpdir(), 'facecluster-bench-embed-'));
  try {
    // the phone-sized set, made from the same photos
    const large = join(work, 'large');
    mkdirSync(large);
    const source = photosUnder(root);
    for (const [i, p] of source.entries()) {
      const portrait = i % 2 === 1;
      const [w, h] = portrait ? [3024, 4032] : [4032, 3024];
      const background = await sharp(p.path).resize(w, h, { fit: 'cover' }).blur(30).toBuffer();
      const side = Math.min(w, h);
      const face = await sharp(p.path).resize(side, side).toBuffer();
      const upright = await sharp(background).composite([{ input: face, left: Math.floor((w - side) / 2),
        top: Math.floor((h - side) / 2) }]).removeAlpha().raw().toBuffer();
      // a portrait stored sideways (pixels turned 90° anticlockwise) with orientation 6, as phones
      // write it (sharp rotates before it composites, hence the upright pixels first)
      const photo = sharp(upright, { raw: { width: w, height: h, channels: 3 } });
      writeFileSync(join(large, `${String(i).padStart(3, '0')}.jpg`), await (portrait ? photo.rotate(-90).withMetadata({ orientation: 6 }) : photo).jpeg({ quality: 92 }).toBuffer());
    }
    const script = fileURLToPath(import.meta.url);
    const out: Record<string, number | boolean> = { photos: source.length };
    for (const [set, dir] of [['lfw', root], ['12mp', large]] as const) {
      const runs: string[] = [];
      for (const workers of [...new Set([1, availableParallelism()])]) {
        const r = spawnSync(process.execPath, [script, '--run', dir, '--workers', String(workers)], { encoding: 'utf8', maxBuffer: 1 << 30 });
        if (r.status !== 0) throw new Error(`bench run failed: ${r.stderr}`);
        const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
          seconds: number; photosPerSecond: number; peakRssMb: number; faces: number; results: string;
        };
        runs.push(m.results);
        out[`${set}_photos_per_s_${workers}_workers`] = Math.round(m.photosPerSecond * 100) / 100;
        out[`${set}_peak_rss_mb_${workers}_workers`] = Math.round(m.peakRssMb);
        out[`${set}_faces`] = m.faces;
        if (!values.json) console.log(`${set}, ${workers} worker${workers > 1 ? 's' : ''}: ${source.length} photos, ${m.faces} faces, ${m.photosPerSecond.toFixed(2)} photos/s after start-up (${m.seconds.toFixed(1)} s in all), peak ${Math.round(m.peakRssMb)} MB resident`);
      }
      out[`${set}_same_results`] = runs.every((r) => r === runs[0]);
    }
    const cores = availableParallelism();
    out.cost_12mp_vs_lfw = Math.round((Number(out[`lfw_photos_per_s_${cores}_workers`]) / Number(out[`12mp_photos_per_s_${cores}_workers`])) * 100) / 100;
    Object.assign(out, await smallestFaces(source.slice(0, 10)));
    if (values.json) console.log(JSON.stringify(out));
    else console.log(`a 12 MP photo costs ${out.cost_12mp_vs_lfw}× an LFW photo (${cores} workers); same faces and descriptors with every worker count: ${out.lfw_same_results && out['12mp_same_results']}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Faces of 40–400 pixels in 12-megapixel frames: how many are found, how well described, what
 * else is found, and the time a photo, with one detector pass (the default) and with --min-face.
 */
async function smallestFaces(photos: Photo[]): Promise<Record<string, number>> {
  const plain = await createFaceEmbedder();
  const cosine = (a: Float32Array, b: Float32Array) => { let s = 0, x = 0,
    y = 0; for (let i = 0; i < a.length; i++) { s += a[i]! * b[i]!; x += a[i]! ** 2; y += b[i]! ** 2; } return s / Math.sqrt(x * y); };
  const background = await sharp(photos.at(-1)!.path).resize(4032, 3024, { fit: 'fill' }).blur(20).raw().toBuffer();
  // each photo's bytes and its face found by one pass over the photo itself, the reference
  const originals: { bytes: Buffer; reference: EmbeddedFace | undefined }[] = [];
  for (const p of photos) {
    const bytes = await sharp(p.path).toBuffer();
    originals.push({ bytes, reference: (await plain.embed(await decodePhoto(bytes, p.path), p.image))[0] });
  }
  const out: Record<string, number> = {};
  for (const [minFace, heights] of [[undefined, [60, 80, 100, 120, 160, 200, 400]], [80, [80, 100, 120]], [40, [40, 60]]] as const) {
    const embedder = minFace === undefined ? plain : await createFaceEmbedder({ minFace });
    // the same places for every setting
    const random = seededRandom(4);
    for (const height of heights) {
      let found = 0, sum = 0, others = 0, seconds = 0;
      for (const { bytes, reference } of originals) {
        if (!reference) continue;
        const [bx, by, bw, bh] = reference.box as [number, number, number, number];
        const side = Math.round((250 * height) / bh);
        const left = Math.floor(random() * (4032 - side)), top = Math.floor(random() * (3024 - side));
        const frame = await sharp(background, { raw: { width: 4032, height: 3024, channels: 3 } })
          .composite([{ input: await sharp(bytes).resize(side, side).toBuffer(), left, top }]).jpeg({ quality: 90 }).toBuffer();
        const started = performance.now();
        const faces = await embedder.embed(await decodePhoto(frame, 'frame.jpg', { minFace }), 'frame.jpg');
        seconds += (performance.now() - started) / 1000;
        // the face whose box centre is inside the placed face's box
        const cx = left + ((bx + bw / 2) * side) / 250, cy = top + ((by + bh / 2) * side) / 250;
        const hit = faces.find((f) => Math.abs(f.box![0]! + f.box![2]! / 2 - cx) < f.box![2]! / 2 && Math.abs(f.box![1]! + f.box![3]! / 2 - cy) < f.box![3]! / 2);
        if (hit) { found++; sum += cosine(hit.descriptor, reference.descriptor); }
        others += faces.length - (hit ? 1 : 0);
      }
      const key = `faces_${height}px${minFace === undefined ? '' : `_min_face_${minFace}`}`;
      Object.assign(out, { [`${key}_found`]: found, [`${key}_cosine`]: found > 0 ? Math.round((sum / found) * 1000) / 1000 : 0, [`${key}_other_faces`]: others,
        [`${key}_seconds_per_photo`]: Math.round((seconds / photos.length) * 100) / 100 });
      if (!values.json) console.log(`faces ${height} px high in a 12 MP photo, ${minFace === undefined ? 'one detector pass' : `--min-face ${minFace}`}: ${found} of ${photos.length} found${found > 0 ? `, mean cosine to the original photo's descriptor ${(sum / found).toFixed(3)}` : ''}, ${others} other faces, ${(seconds / photos.length).toFixed(2)} s a photo`);
    }
  }
  return out;
}
