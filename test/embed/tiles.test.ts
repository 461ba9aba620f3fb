/** Where small faces are searched (tiles.ts) and the decode size that serves them: pure geometry, checked by brute force and by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DECODE_SIDE, decodeSide } from '../../src/embed/image.js';
import { DETECTION, detectionWindows, mergeDetections, type Detection, type Window } from '../../src/embed/tiles.js';
import { rng } from '../helpers.js';

/** How many input pixels high a face of height h is in window w (SSD pads a window to a square, then scales it to its input). */
const inputHeight = (h: number, w: Window) => (h * DETECTION.inputSide) / Math.max(w.width, w.height);
const inside = (x: number, y: number, h: number, w: Window) => x >= w.x && y >= w.y && x + h <= w.x + w.width && y + h <= w.y + w.height;

test('detectionWindows: every face from the smallest asked for up lies whole in a window where the detector sees it at least DETECTION.smallestFace high', () => {
  const random = rng(3);
  for (const [width, height, smallest] of [[3226, 2419, 40], [2419, 3226, 40], [1613, 1210, 40], [1024, 768, 20], [5000, 300, 25], [700, 700, 17]] as const) {
    const windows = detectionWindows(width, height, smallest);
    assert.deepEqual(windows.at(-1), { x: 0, y: 0, width, height }, 'the whole image last');
    for (const w of windows) assert.ok(w.x >= 0 && w.y >= 0 && w.width > 0 && w.height > 0 && w.x + w.width <= width && w.y + w.height <= height, `window ${JSON.stringify(w)} inside ${width}×${height}`);
    for (let trial = 0; trial < 3000; trial++) {
      // a square face of height h ≥ smallest, log-uniform in size, anywhere in the image
      const h = Math.min(Math.min(width, height), smallest * Math.exp(random() * Math.log(Math.max(width, height) / smallest)));
      const x = random() * (width - h), y = random() * (height - h);
      const seen = windows.some((w) => inside(x, y, h, w) && inputHeight(h, w) >= DETECTION.smallestFace - 1e-9);
      assert.ok(seen, `${width}×${height}, smallest ${smallest}: a face ${h.toFixed(1)} high at ${x.toFixed(0)},${y.toFixed(0)} is in no window that shows it large enough`);
    }
  }
});

test('detectionWindows: faces the whole image shows large enough need no other window; windows per level counted by hand', () => {
  // 1024×768: the whole image shows a face of 64 px at 32 input pixels
  assert.deepEqual(detectionWindows(1024, 768, 64), [{ x: 0, y: 0, width: 1024, height: 768 }]);
  assert.deepEqual(detectionWindows(1024, 768, 500), [{ x: 0, y: 0, width: 1024, height: 768 }]);
  // 32 px: windows of 512 overlapping by 64 (x: 3 starts over 1024, y: 2 over 768), then the whole
  const windows = detectionWindows(1024, 768, 32);
  assert.equal(windows.length, 3 * 2 + 1);
  assert.deepEqual(windows.slice(0, 3).map((w) => w.x), [0, 256, 512]);
  assert.deepEqual(windows.filter((w) => w.width === 512).map((w) => w.y).filter((y, i, a) => a.indexOf(y) === i), [0, 256]);
  // a 12-megapixel photo decoded for 40 px faces (3226×2419, where they are 32 px high): windows of
  // 512 (8 × 6, overlapping by 64), 1024 (4 × 3, by 128) and 2048 (2 × 2, by 256), then the whole
  assert.equal(detectionWindows(3226, 2419, 32).length, 8 * 6 + 4 * 3 + 2 * 2 + 1);
});

test('decodeSide: DECODE_SIDE unless small faces are asked for; never above the full size', () => {
  assert.equal(decodeSide(4032, 3024), DECODE_SIDE);
  assert.equal(decodeSide(3024, 4032), DECODE_SIDE);
  assert.equal(decodeSide(800, 600), 800);
  // 40 px faces at 32 input pixels: the photo at 4032 · 32 / 40
  assert.equal(decodeSide(4032, 3024, 40), Math.ceil((4032 * DETECTION.smallestFace) / 40));
  // large faces need no more than the default
  assert.equal(decodeSide(4032, 3024, 400), DECODE_SIDE);
  // faces smaller than the detector's reach at full size: the full size, no more
  assert.equal(decodeSide(4032, 3024, 16), 4032);
  assert.equal(decodeSide(4032, 3024, undefined, 2048), 2048);
});

const box = (x: number, y: number, s: number, score: number): Detection => ({ x, y, width: s, height: s, score });

test('mergeDetections: one detection per face across overlapping windows; faces cut by an inner window edge are dropped, by the image edge kept', () => {
  const [W, H] = [1000, 600];
  const left: Window = { x: 0, y: 0, width: 600, height: 600 }, right: Window = { x: 400, y: 0, width: 600, height: 600 };
  const whole: Window = { x: 0, y: 0, width: W, height: H };
  const merged = mergeDetections([
    // a face in the overlap, seen by both windows (boxes a little apart), the better score kept
    { window: left, detections: [box(450, 100, 40, 0.8), box(10, 0, 30, 0.9), box(580, 300, 30, 0.95)] },
    { window: right, detections: [box(452, 101, 40, 0.85), box(400, 300, 60, 0.7), box(700, 500, 40, 0.6)] },
    { window: whole, detections: [box(0, 200, 200, 0.99)] },
  ], W, H);
  assert.deepEqual(merged, [
    box(0, 200, 200, 0.99),
    box(10, 0, 30, 0.9), // at the image's top edge: kept
    box(452, 101, 40, 0.85),
    box(700, 500, 40, 0.6),
  ]);
  // box(580, 300, 30) reaches the left window's inner right edge; box(400, 300, 60) starts on the right window's inner left edge
});

test('mergeDetections: a box mostly inside a better one is the same face; apart or barely touching boxes are two; nothing in, nothing out', () => {
  const w: Window = { x: 0, y: 0, width: 500, height: 500 };
  assert.deepEqual(mergeDetections([{ window: w, detections: [box(100, 100, 100, 0.9), box(120, 120, 40, 0.8)] }], 500, 500), [box(100, 100, 100, 0.9)]);
  assert.deepEqual(mergeDetections([{ window: w, detections: [box(100, 100, 50, 0.6), box(140, 100, 50, 0.9)] }], 500, 500), [box(140, 100, 50, 0.9), box(100,
    100, 50, 0.6)]);
  assert.deepEqual(mergeDetections([{ window: w, detections: [box(100, 100, 50, 0.6), box(150, 100, 50, 0.9)] }], 500, 500), [box(150, 100, 50, 0.9), box(100,
    100, 50, 0.6)]);
  assert.deepEqual(mergeDetections([], 500, 500), []);
  assert.deepEqual(mergeDetections([{ window: w, detections: [] }], 500, 500), []);
});
