import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode as encodePng } from 'fast-png';
import { decodeImage } from '../../src/embed/image.js';

test('decodeImage: every PNG colour type and depth to 8-bit RGB, alpha dropped', () => {
  const cases = [
    { png: { width: 2, height: 1, channels: 3, depth: 8 as const, data: Uint8Array.of(1, 2, 3, 4, 5, 6) }, rgb: [1, 2, 3, 4, 5, 6] },
    { png: { width: 2, height: 1, channels: 4, depth: 8 as const, data: Uint8Array.of(1, 2, 3, 255, 4, 5, 6, 0) }, rgb: [1, 2, 3, 4, 5, 6] },
    { png: { width: 2, height: 1, channels: 1, depth: 8 as const, data: Uint8Array.of(7, 9) }, rgb: [7, 7, 7, 9, 9, 9] },
    { png: { width: 2, height: 1, channels: 2, depth: 8 as const, data: Uint8Array.of(7, 255, 9, 0) }, rgb: [7, 7, 7, 9, 9, 9] },
    // 16-bit samples keep their high byte
    { png: { width: 2, height: 1, channels: 3, depth: 16 as const, data: Uint16Array.of(256, 512, 768, 1024, 1280, 1535) }, rgb: [1, 2, 3, 4, 5, 5] },
    // 2-bit palette indices 0, 1, 2 packed in one byte
    { png: { width: 3, height: 1, channels: 1, depth: 2 as const, palette: [[10, 20, 30], [40, 50, 60], [70, 80, 90]], data: Uint8Array.of(0b00011000) }, rgb: [10, 20, 30, 40, 50, 60, 70, 80, 90] },
  ];
  for (const c of cases) {
    const img = decodeImage(encodePng(c.png), 'x.png');
    assert.equal(img.width, c.png.width);
    assert.deepEqual(Array.from(img.rgb), c.rgb, `${c.png.channels} channels, ${c.png.depth} bits`);
  }
  assert.throws(() => decodeImage(Uint8Array.of(1, 2, 3), 'x.gif'), /x.gif: not a JPEG or PNG image/);
});
