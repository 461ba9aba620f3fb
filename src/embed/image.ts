/**
 * Photos to pixels, in plain JavaScript that runs the same in Node and in a browser (so both
 * describe the same pixels): JPEG with jpeg-js, PNG with fast-png.
 */
import { decode as decodePng, type DecodedPng } from 'fast-png';
import jpeg from 'jpeg-js';
import { fail } from '../errors.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGB, row-major, 3 bytes a pixel. */
  rgb: Uint8Array;
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

/** Larger images are refused before decoding (bounded memory and time; a 12 MP phone photo is far below). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/**
 * Width and height from a PNG's IHDR or a JPEG's start-of-frame marker, read without decoding;
 * undefined when the header does not say.
 */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  for (let at = 2; at + 9 <= bytes.length;) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) { at++; continue; }
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    at += 2 + view.getUint16(at + 2);
  }
  return undefined;
}

/** Decodes a JPEG or PNG file's bytes; throws a FaceclusterError naming `file` otherwise. */
export function decodeImage(bytes: Uint8Array, file: string, maxPixels = MAX_IMAGE_PIXELS): DecodedImage {
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const size = imageSize(bytes);
  if ((isJpeg || isPng) && size && size.width * size.height > maxPixels) {
    fail('BAD_FILE', `image of ${size.width}×${size.height} pixels, more than the ${(maxPixels / 1e6).toFixed(0)} megapixels read`, file);
  }
  try {
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512, maxResolutionInMP: maxPixels / 1e6 });
      return { width: img.width, height: img.height, rgb: img.data };
    }
    if (isPng) return pngToRgb(decodePng(bytes));
  } catch (e) {
    fail('BAD_FILE', `not a readable image: ${(e as Error).message}`, file);
  }
  fail('BAD_FILE', 'not a JPEG or PNG image', file);
}

/** 8-bit RGB from any PNG: grey, grey + alpha, RGB, RGBA, 16-bit, palette (alpha is dropped). */
function pngToRgb(png: DecodedPng): DecodedImage {
  const { width, height } = png;
  if (png.palette) {
    const rgb = new Uint8Array(width * height * 3);
    const bits = png.depth;
    const perByte = 8 / bits, rowBytes = Math.ceil(width / perByte);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const byte = png.data[y * rowBytes + Math.floor(x / perByte)]!;
        const index = bits === 8 ? byte : (byte >> (8 - bits * (x % perByte + 1))) & ((1 << bits) - 1);
        const colour = png.palette[index] ?? [0, 0, 0];
        rgb.set(colour.slice(0, 3), (y * width + x) * 3);
      }
    }
    return { width, height, rgb };
  }
  const channels = png.channels, shift = png.depth === 16 ? 8 : 0;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const at = p * channels;
    if (channels <= 2) rgb.fill(png.data[at]! >> shift, p * 3, p * 3 + 3);
    else for (let c = 0; c < 3; c++) rgb[p * 3 + c] = png.data[at + c]! >> shift;
  }
  return { width, height, rgb };
}
