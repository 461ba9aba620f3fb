import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { decodePhoto, DECODE_SIDE, MAX_IMAGE_SIDE } from '../../src/embed/embedder.node.js';
import { FaceclusterError } from '../../src/errors.js';
import { SHARED } from '../helpers.js';

const PHOTO = join(SHARED, 'data/lfw-sample/Andy_Roddick/Andy_Roddick_0001.jpg');

/** A w×h RGB image whose pixel (x, y) tells its place: red x, green y, blue a checker. */
function coded(w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([(x * 255) / (w - 1), (y * 255) / (h - 1), ((x >> 3) + (y >> 3)) % 2 ? 230 : 20],
    (y * w + x) * 3);
  return rgb;
}

/**
 * The stored pixels whose display under EXIF orientation `o` is `upright` (w×h): the inverse of
 * the Exif 2.3 table (where the stored image's row 0 and column 0 go), written out by hand so as
 * not to test the decoder with itself.
 */
function storedFor(upright: Uint8Array, w: number, h: number, o: number): { rgb: Uint8Array; width: number; height: number } {
  const swap = o >= 5;
  const [sw, sh] = swap ? [h, w] : [w, h];
  const rgb = new Uint8Array(sw * sh * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // where displayed pixel (x, y) is stored
      const [sx, sy] = [
        [x, y], [w - 1 - x, y], [w - 1 - x, h - 1 - y], [x, h - 1 - y],
        [y, x], [y, w - 1 - x], [h - 1 - y, w - 1 - x], [h - 1 - y, x],
      ][o - 1]!;
      rgb.set(upright.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), (sy! * sw + sx!) * 3);
    }
  }
  return { rgb, width: sw, height: sh };
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

test('decodePhoto: each of the eight EXIF orientations comes out upright, in the upright size', async () => {
  const [w, h] = [48, 32];
  const upright = coded(w, h);
  for (let o = 1; o <= 8; o++) {
    const s = storedFor(upright, w, h, o);
    // PNG keeps the pixels exact; the orientation rides in its EXIF chunk as in a JPEG's
    const file = await sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } }).withMetadata({ orientation: o }).png().toBuffer();
    const img = await decodePhoto(file, `o${o}.png`);
    assert.deepEqual([img.width, img.height, img.fullWidth, img.fullHeight], [w, h, w, h], `orientation ${o}`);
    assert.ok(meanAbsDiff(img.rgb, upright) < 0.5, `orientation ${o}: pixels differ by ${meanAbsDiff(img.rgb, upright)}`);
  }
  // and as a JPEG, the way cameras write it (lossy: close, not exact)
  const s = storedFor(upright, w, h, 6);
  const jpeg = await sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } }).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
  const img = await decodePhoto(jpeg, 'o6.jpg');
  assert.deepEqual([img.width, img.height], [w, h]);
  assert.ok(meanAbsDiff(img.rgb, upright) < 12, `JPEG differs by ${meanAbsDiff(img.rgb, upright)}`);
});

test('decodePhoto: JPEG, PNG, WebP, AVIF, TIFF and GIF (first frame) to the same RGB', async () => {
  const original = await sharp(readFileSync(PHOTO)).raw().toBuffer();
  const encoders: [string, (s: Sharp) => Sharp, number][] = [
    ['png', (s) => s.png(), 0.01], ['webp', (s) => s.webp({ quality: 95 }), 6], ['avif', (s) => s.avif({ quality: 90 }), 8],
    ['tiff', (s) => s.tiff({ compression: 'lzw' }), 0.01], ['gif', (s) => s.gif(), 12], ['jpeg', (s) => s.jpeg({ quality: 95 }), 4],
  ];
  for (const [name, encode, tolerance] of encoders) {
    const bytes = await encode(sharp(original, { raw: { width: 250, height: 250, channels: 3 } })).toBuffer();
    const img = await decodePhoto(bytes, `x.${name}`);
    assert.deepEqual([img.width, img.height], [250, 250], name);
    assert.ok(meanAbsDiff(img.rgb, new Uint8Array(original)) <= tolerance, `${name}: differs by ${meanAbsDiff(img.rgb, new Uint8Array(original))}`);
  }
  // an animated GIF: its first frame
  const frames = [[200, 30, 30], [30, 30, 200]].map((c) => Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => c[i % 3]!));
  const gif = await sharp(Buffer.concat(frames), { raw: { width: 32, height: 64, channels: 3 } }).gif({ loop: 0 }).toBuffer();
  const animated = await sharp(gif, { animated: true }).gif().toBuffer();
  const first = await decodePhoto(await sharp(animated).toBuffer(), 'a.gif');
  assert.equal(first.rgb[0]! > 150 && first.rgb[2]! < 80, true, 'the first frame (red)');
});

test('decodePhoto: grey, grey + alpha, RGBA, 16-bit and palette PNGs to 8-bit RGB; transparency on mid grey', async () => {
  const grey = await sharp(Uint8Array.from({ length: 20 * 20 }, (_, i) => i % 256), { raw: { width: 20, height: 20, channels: 1 } }).png().toBuffer();
  const g = await decodePhoto(grey, 'grey.png');
  assert.deepEqual([g.rgb[3 * 7], g.rgb[3 * 7 + 1], g.rgb[3 * 7 + 2]], [7, 7, 7]);
  const rgba = await sharp(Uint8Array.from({ length: 20 * 20 * 4 }, (_, i) => (i % 4 === 3 ? 0 : 255)), { raw: { width: 20, height: 20,
    channels: 4 } }).png().toBuffer();
  assert.deepEqual([...(await decodePhoto(rgba, 'clear.png')).rgb.subarray(0, 3)], [128, 128, 128], 'fully transparent white shows the grey behind');
  const sixteen = await sharp(Uint8Array.from({ length: 20 * 20 * 3 }, () => 200), { raw: { width: 20, height: 20,
    channels: 3 } }).toColourspace('rgb16').png().toBuffer();
  assert.deepEqual([...(await decodePhoto(sixteen, '16.png')).rgb.subarray(0, 3)], [200, 200, 200]);
  const palette = await sharp(coded(20, 20), { raw: { width: 20, height: 20, channels: 3 } }).png({ palette: true, colours: 16 }).toBuffer();
  assert.equal((await decodePhoto(palette, 'p.png')).rgb.length, 20 * 20 * 3);
});

test('decodePhoto: a large photo is decoded at DECODE_SIDE with its full size kept; a strip or a bomb is refused from its header', async () => {
  const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#345' } }).jpeg().toBuffer();
  const img = await decodePhoto(big, 'big.jpg');
  assert.deepEqual([img.width, img.height, img.fullWidth, img.fullHeight], [DECODE_SIDE, Math.round((3000 * DECODE_SIDE) / 4000), 4000, 3000]);
  // 20,000 × 1 is a size a header may claim: decoded small, never a typed array of the wrong length
  const strip = await sharp({ create: { width: MAX_IMAGE_SIDE, height: 1, channels: 3, background: '#fff' } }).png().toBuffer();
  assert.deepEqual([(await decodePhoto(strip, 'strip.png')).width, (await decodePhoto(strip, 'strip.png')).height], [DECODE_SIDE, 1]);
  const wide = await sharp({ create: { width: MAX_IMAGE_SIDE + 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer();
  await assert.rejects(decodePhoto(wide, 'wide.png'), (e: Error) => e instanceof FaceclusterError && /wide\.png: image of 20001×1 pixels: a side longer than 20000/.test(e.message));
  // a PNG header claiming 20,000 × 20,000 over a few bytes of data
  const bomb = Buffer.from(strip);
  bomb.writeUInt32BE(MAX_IMAGE_SIDE, 16);
  bomb.writeUInt32BE(MAX_IMAGE_SIDE, 20);
  await assert.rejects(decodePhoto(bomb, 'bomb.png'), (e: Error) => e instanceof FaceclusterError && /bomb\.png: /.test(e.message));
});

test('decodePhoto: truncated, empty, non-image and SVG files are a FaceclusterError naming the file', async () => {
  const jpeg = readFileSync(PHOTO);
  for (const [name, bytes] of [['cut.jpg', jpeg.subarray(0, jpeg.length >> 1)], ['empty.jpg', new Uint8Array(0)], ['notes.jpg', new TextEncoder().encode('not an image')],
    ['drawing.svg', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')]] as const) {
    await assert.rejects(decodePhoto(bytes, name), (e: Error) => e instanceof FaceclusterError && e.message.startsWith(`${name}: `), name);
  }
});
