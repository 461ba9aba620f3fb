/**
 * What a decoded photo is, and the limits every decoder applies (decode.node.ts with sharp in Node,
 * browser.ts with the browser's decoders in the page): photos are read upright (EXIF
 * orientation applied) at a bounded size.
 */
import { fail } from '../errors.js';
import { DETECTION } from './tiles.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGB, row-major, 3 bytes a pixel. */
  rgb: Uint8Array;
}

/** A photo as decoded for the face networks: upright, scaled down from its full size. */
export interface DecodedPhoto extends DecodedImage {
  /** The upright photo's full size; boxes and landmarks are given in this frame. */
  fullWidth: number;
  fullHeight: number;
}

/** File names `embed` takes from folders (content decides the format; other files are counted and named). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.avif', '.heic', '.heif', '.tif', '.tiff', '.gif'];

/** Larger images are refused before decoding (a 12 MP phone photo is far below; a 100 MP camera's too). */
export const MAX_IMAGE_PIXELS = 200_000_000;
/** Wider or taller images are refused before decoding, whatever their area (a 20,000×1 strip). */
export const MAX_IMAGE_SIDE = 20_000;
/** Images smaller than this on either side hold no face the networks can describe. */
export const MIN_IMAGE_SIDE = 16;

/**
 * The longest side photos are decoded at for detection and description. SSD sees its input at
 * 512×512 whatever the size; the descriptor's crop is cut from this decode. Measured
 * (models/README.md, `npm run bench:embed`): at 1,024 a 12-megapixel photo costs 1.22× an LFW
 * photo with 2 worker threads and the run peaks at 923 MB; at 1,600, 1.68× and 1,085 MB, for
 * better descriptors of faces 100–160 pixels high only (cosine 0.982 against 0.944 at 120 px).
 */
export const DECODE_SIDE = 1024;

/**
 * The longest side to decode a `width`×`height` photo at: `base` (default DECODE_SIDE), or more
 * where faces down to `minFace` pixels high are searched (detectionWindows), so that such a face
 * is DETECTION.smallestFace pixels high in the detector's finest windows; never above full size.
 */
export function decodeSide(width: number, height: number, minFace?: number, base = DECODE_SIDE): number {
  const longest = Math.max(width, height);
  const forSmallFaces = minFace === undefined ? 0 : Math.ceil((longest * DETECTION.smallestFace) / minFace);
  return Math.min(longest, Math.max(base, forSmallFaces));
}

/** Refuses sizes no photo has, from the header, before any pixel is decoded. */
export function checkImageSize(width: number | undefined, height: number | undefined, file: string): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width! > 0 && height! > 0)) fail('BAD_FILE', 'the image header gives no size', file);
  if (width! > MAX_IMAGE_SIDE || height! > MAX_IMAGE_SIDE) fail('BAD_FILE', `image of ${width}×${height} pixels: a side longer than ${MAX_IMAGE_SIDE} pixels is not a photo`, file);
  if (width! * height! > MAX_IMAGE_PIXELS) fail('BAD_FILE', `image of ${width}×${height} pixels, more than the ${MAX_IMAGE_PIXELS / 1e6} megapixels read`, file);
}
