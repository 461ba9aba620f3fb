/**
 * What phones and real libraries hand `embed`: photos stored sideways with an EXIF orientation,
 * large photos, WebP / AVIF / TIFF / GIF, files that are not photos, odd sizes, images that are
 * not faces, and a worker that dies on a photo.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { createFaceEmbedder, decodePhoto, DECODE_SIDE, type FaceEmbedder } from '../../src/embed/embedder.node.js';
import { embedPhotos } from '../../src/embed/parallel.node.js';
import type { PhotoResult } from '../../src/embed/photo.node.js';
import { readFeatures } from '../../src/io/index.js';
import { seededRandom } from '../../src/random.js';
import { ROOT, SHARED, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const SAMPLE = join(SHARED, 'data/lfw-sample');
const PHOTO = join(SAMPLE, 'Andy_Roddick/Andy_Roddick_0001.jpg');

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0, x = 0, y = 0;
  for (let i = 0; i < a.length; i++) { s += a[i]! * b[i]!; x += a[i]! * a[i]!; y += b[i]! * b[i]!; }
  return s / Math.sqrt(x * y);
}

let embedder: FaceEmbedder | undefined;
const loaded = async () => (embedder ??= await createFaceEmbedder());
after(() => { embedder = undefined; });

/**
 * The photo's stored pixels for EXIF orientation o, made with sharp's own rotate and flip from
 * the upright image: rotate(a) turns clockwise; the stored image is the upright one undone.
 */
async function storedSideways(upright: Buffer, o: number): Promise<Buffer> {
  // [turn clockwise, then mirror left–right] that takes the upright image to the stored one
  const undo: [number, boolean][] = [[0, false], [0, true], [180, false], [180, true], [90, true], [270, false], [270, true], [90, false]];
  const [angle, mirror] = undo[o - 1]!;
  let s = sharp(upright).rotate(angle);
  if (mirror) s = sharp(await s.toBuffer()).flop();
  return s.withMetadata({ orientation: o }).jpeg({ quality: 95 }).toBuffer();
}

test('EXIF orientation: the same face in each of the eight stored orientations, box in the upright frame, descriptor within cosine 0.99', async (t) => {
  const e = await loaded();
  // an upright 250×330 frame (not square, so that a sideways box could not pass)
  const upright = await sharp(PHOTO).extend({ bottom: 80, extendWith: 'mirror' }).jpeg({ quality: 95 }).toBuffer();
  const reference = (await e.embed(await decodePhoto(upright, 'upright.jpg'), 'upright.jpg'))[0]!;
  for (let o = 1; o <= 8; o++) {
    const stored = await storedSideways(upright, o);
    const meta = await sharp(stored).metadata();
    assert.equal(meta.orientation, o);
    if (o >= 5) assert.deepEqual([meta.width, meta.height], [330, 250], 'stored sideways');
    const faces = await e.embed(await decodePhoto(stored, `o${o}.jpg`), `o${o}.jpg`);
    assert.ok(faces.length >= 1, `orientation ${o}: no face`);
    const c = cosine(faces[0]!.descriptor, reference.descriptor);
    const shift = Math.max(...faces[0]!.box!.map((v, i) => Math.abs(v - reference.box![i]!)));
    t.diagnostic(`orientation ${o}: cosine ${c.toFixed(4)}, box off by ${shift.toFixed(1)} px`);
    assert.ok(c >= 0.99, `orientation ${o}: cosine ${c}`);
    assert.ok(shift <= 4, `orientation ${o}: box ${faces[0]!.box} against ${reference.box}`);
  }
});

test('a 12-megapixel photo: its face found and described as in the small photo, box and landmarks in full-size pixels', async () => {
  const e = await loaded();
  const small = (await e.embed(await decodePhoto(readFileSync(PHOTO), 'small.jpg'), 'small.jpg'))[0]!;
  // the 250×250 photo scaled ×12 into the middle of a 4032×3024 frame
  const big = await sharp({ create: { width: 4032, height: 3024, channels: 3, background: '#5a6070' } })
    .composite([{ input: await sharp(PHOTO).resize(3000, 3000).toBuffer(), left: 516, top: 12 }]).jpeg({ quality: 90 }).toBuffer();
  const photo = await decodePhoto(big, 'big.jpg');
  assert.equal(photo.width, DECODE_SIDE);
  const face = (await e.embed(photo, 'big.jpg'))[0]!;
  assert.ok(cosine(face.descriptor, small.descriptor) >= 0.97, `cosine ${cosine(face.descriptor, small.descriptor)}`);
  const expected = small.box!.map((v, i) => (i < 2 ? v * 12 + (i === 0 ? 516 : 12) : v * 12));
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(face.box![i]! - expected[i]!) < 0.08 * expected[3]!, `box ${face.box} against ${expected}`);
  assert.ok(face.landmarks!.every(([x, y]) => x! > 516 && x! < 3516 && y! > 12 && y! < 3012), 'landmarks in full-size pixels');
});

test('small faces: a face 50 px high in a 2000×1500 photo is missed by one detector pass, found with minFace (on a worker thread too), the large face once', async (t) => {
  const dir = tempDir(t);
  const e = await loaded();
  const original = readFileSync(PHOTO);
  const reference = (await e.embed(await decodePhoto(original, 'small.jpg'), 'small.jpg'))[0]!;
  const background = await sharp(join(SAMPLE, 'Edward_Lu', readdirSync(join(SAMPLE, 'Edward_Lu'))[0]!)).resize(2000, 1500, { fit: 'fill' }).blur(20).toBuffer();
  // the photo scaled so that its face box is 50 px high, and another person's photo at 900 px
  const side = Math.round((250 * 50) / reference.box![3]!);
  const [left, top] = [1500, 1200];
  const other = join(SAMPLE, 'Hal_Gehman', readdirSync(join(SAMPLE, 'Hal_Gehman'))[0]!);
  writeFileSync(join(dir, 'group.jpg'), await sharp(background).composite([
    { input: await sharp(other).resize(900, 900).toBuffer(), left: 100, top: 100 },
    { input: await sharp(original).resize(side, side).toBuffer(), left, top },
  ]).jpeg({ quality: 92 }).toBuffer());
  const placed = { x: left + (reference.box![0]! * side) / 250, y: top + (reference.box![1]! * side) / 250, size: (reference.box![3]! * side) / 250 };
  const isSmall = (box: number[]) => Math.abs(box[0]! + box[2]! / 2 - (placed.x + placed.size / 2)) < placed.size / 2 && Math.abs(box[1]! + box[3]! / 2 - (placed.y + placed.size / 2)) < placed.size / 2;
  const results: Record<string, PhotoResult> = {};
  for (const minFace of [undefined, 40]) {
    await embedPhotos([{ path: join(dir, 'group.jpg'), image: 'group.jpg' }], { workers: 1, ...(minFace ? { minFace } : {}), onResult: (_,
      r) => { results[String(minFace)] = r; } });
  }
  const [plain, windowed] = [results.undefined!.faces!, results['40']!.faces!];
  assert.equal(plain.length, 1, 'one pass: the large face only');
  assert.ok(!isSmall(plain[0]!.box!));
  assert.equal(windowed.length, 2, `with minFace: the two faces, each once (${windowed.map((f) => f.box).join(' | ')})`);
  const large = windowed[0]!, small = windowed[1]!;
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(large.box![i]! - plain[0]!.box![i]!) < 0.05 * plain[0]!.box![3]!, `the large face where one pass puts it: ${large.box} against ${plain[0]!.box}`);
  assert.ok(isSmall(small.box!), `the small face where it was placed: ${small.box} against ${JSON.stringify(placed)}`);
  const c = cosine(small.descriptor, reference.descriptor);
  t.diagnostic(`small face: box ${small.box}, cosine ${c.toFixed(3)} to the original photo's`);
  assert.ok(c >= 0.95, `cosine ${c}`);
});

/** Images that are not faces: noise, flat colours, gradients, stripes, checkers, small icons, backgrounds of LFW photos. */
async function nonFaces(dir: string): Promise<string[]> {
  const r = seededRandom(5);
  const raw = (w: number, h: number, f: (x: number, y: number) => number[]) => {
    const a = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a.set(f(x, y), (y * w + x) * 3);
    return sharp(a, { raw: { width: w, height: h, channels: 3 } });
  };
  const made: [string, Sharp][] = [
    ['noise-112.png', raw(112, 112, () => [r() * 255, r() * 255, r() * 255])],
    ['noise-64.png', raw(64, 64, () => [r() * 255, r() * 255, r() * 255])],
    ['grey-64.png', raw(64, 64, () => [128, 128, 128])],
    ['colour-112.jpg', raw(112, 112, () => [200, 120, 90])],
    ['one-pixel.png', raw(1, 1, () => [10, 200, 10])],
    ['palette-64.png', raw(64, 64, (x, y) => ((x >> 4) + (y >> 4)) % 2 ? [250, 0, 0] : [0, 0, 250])],
    ['gradient-112.png', raw(112, 112, (x, y) => [x * 2, y * 2, 255 - x - y])],
    ['radial-112.png', raw(112, 112, (x, y) => Array(3).fill(Math.hypot(x - 56, y - 56) * 3))],
    ['stripes-112.png', raw(112, 112, (x) => Array(3).fill(128 + 120 * Math.sin(x / 3)))],
    ['checker-96.png', raw(96, 96, (x, y) => Array(3).fill(((x >> 3) + (y >> 3)) % 2 ? 240 : 20))],
    ['icon-48.png', raw(48, 48, (x, y) => (Math.hypot(x - 24, y - 24) < 15 ? [250, 200, 0] : [30, 60, 200]))],
    ['strip-20000x1.png', raw(20000, 1, (x) => [x % 256, 0, 0])],
  ];
  const names: string[] = [];
  for (const [name, s] of made) {
    const file = name.startsWith('palette') ? s.png({ palette: true }) : name.endsWith('.jpg') ? s.jpeg() : s.png();
    writeFileSync(join(dir, name), await file.toBuffer());
    names.push(name);
  }
  // the corners of LFW photos, 70 px squares scaled to 112 (backgrounds, shoulders, hair)
  for (const [i, folder] of readdirSync(SAMPLE).filter((f) => !f.includes('.')).slice(0, 5).entries()) {
    const photo = join(SAMPLE, folder, readdirSync(join(SAMPLE, folder))[0]!);
    const [left, top] = ([[0, 0], [180, 0], [0, 180], [180, 180], [0, 90]] as const)[i]!;
    await sharp(photo).extract({ left, top, width: 70, height: 70 }).resize(112, 112).png().toFile(join(dir, `background-${i}.png`));
    names.push(`background-${i}.png`);
  }
  return names;
}

test('embed: non-faces (noise, flat, gradients, textures, icons, backgrounds, a 1×1 and a 20,000×1 image) give no face, each skipped by name', async (t) => {
  const dir = tempDir(t);
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const names = await nonFaces(photos);
  // and two real photos, so that the run has faces to write
  for (const p of readdirSync(join(SAMPLE, 'Andy_Roddick')).slice(0, 2)) writeFileSync(join(photos, p), readFileSync(join(SAMPLE, 'Andy_Roddick', p)));
  const r = spawnSync(process.execPath, [CLI, 'embed', photos, '--out', join(dir, 'out'), '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const faces = JSON.parse(readFileSync(join(dir, 'out/faces.json'), 'utf8')) as { image: string }[];
  assert.deepEqual(faces.filter((f) => names.some((n) => f.image.endsWith(n))).map((f) => f.image), [], 'no non-face described');
  for (const n of names) assert.match(r.stderr, new RegExp(`${n.replace('.', '\\.')}: no face found, skipped`), n);
  assert.deepEqual(JSON.parse(r.stdout), { photos: names.length + 2, faces: faces.length, skipped: names.length, unreadable: 0, faceless: names.length,
    otherFiles: 0 });
});

test('embed: WebP, AVIF, HEIC, TIFF and GIF photos are described like the JPEG; other files are counted and named, not dropped', async (t) => {
  const dir = tempDir(t);
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const s = () => sharp(PHOTO);
  await s().webp({ quality: 95 }).toFile(join(photos, 'a.webp'));
  await s().avif({ quality: 90 }).toFile(join(photos, 'a.avif'));
  await s().tiff({ compression: 'lzw' }).toFile(join(photos, 'a.tiff'));
  await s().gif().toFile(join(photos, 'a.gif'));
  writeFileSync(join(photos, 'a.jpg'), readFileSync(PHOTO));
  writeFileSync(join(photos, 'a.heic'), readFileSync(join(ROOT, 'test/fixtures/photos/andy-roddick.heic')));
  writeFileSync(join(photos, 'notes.txt'), 'holiday');
  writeFileSync(join(photos, 'clip.mov'), new Uint8Array(64));
  writeFileSync(join(photos, '.DS_Store'), new Uint8Array(8));
  const r = spawnSync(process.execPath, [CLI, 'embed', photos, '--out', join(dir, 'out')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /6 faces in 6 photos; 0 skipped \(0 unreadable, 0 without a face\); 2 other files not read \(clip\.mov, notes\.txt\)/);
  const faces = JSON.parse(readFileSync(join(dir, 'out/faces.json'), 'utf8')) as { image: string }[];
  const f = readFeatures(join(dir, 'out/features.npy')).data;
  const jpeg = faces.findIndex((x) => x.image.endsWith('a.jpg'));
  for (const [i, x] of faces.entries()) {
    const c = cosine(f.subarray(i * 128, i * 128 + 128), f.subarray(jpeg * 128, jpeg * 128 + 128));
    t.diagnostic(`${x.image}: cosine ${c.toFixed(4)} to the JPEG`);
    assert.ok(c >= (x.image.endsWith('.gif') ? 0.95 : 0.98), `${x.image}: cosine ${c}`);
  }
});

test('a worker that dies on a photo: that photo is a failure, a new worker describes the rest', async (t) => {
  const dir = tempDir(t);
  const script = join(dir, 'dying-worker.mjs');
  // a worker that answers every photo but dies on any named "crash"
  writeFileSync(script, `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => {
  if (m === null) return parentPort.close();
  if (m.image.includes('crash')) process.exit(3);
  parentPort.postMessage({ image: m.image, faces: [] });
});
parentPort.postMessage('ready');`);
  const photos = ['a', 'crash-1', 'b', 'c', 'crash-2', 'd', 'e'].map((n) => ({ path: n, image: n }));
  const results = new Map<string, PhotoResult>();
  let last = 0;
  await embedPhotos(photos, { workers: 2, workerUrl: new URL(`file://${script}`), onResult: (p, r, done) => { results.set(p.image, r); last = done; } });
  assert.equal(last, photos.length);
  assert.deepEqual([...results.keys()].sort(), photos.map((p) => p.image).sort());
  for (const n of ['crash-1', 'crash-2']) assert.match(results.get(n)!.error!, /cannot be described \(the worker stopped on it: exit code 3\)/);
  for (const n of ['a', 'b', 'c', 'd', 'e']) assert.deepEqual(results.get(n), { image: n, faces: [] });
  // a worker that cannot start ends the run with that reason
  writeFileSync(script, 'throw new Error("no model here");');
  await assert.rejects(embedPhotos(photos, { workers: 1, workerUrl: new URL(`file://${script}`), onResult: () => {} }), /embed worker 0 failed to start: no model here/);
});
