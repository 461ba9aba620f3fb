/**
 * Photos to pixels in Node, with sharp (libvips, prebuilt binaries from npm): JPEG, PNG, WebP,
 * AVIF, TIFF and GIF (first frame), turned upright by their EXIF orientation (all eight values,
 * mirrored ones too) and decoded straight to the size the face networks need (shrink-on-load
 * where the format has it), so that time and memory follow that size, not the photo's. HEIC
 * (HEVC in a HEIF file, which sharp's prebuilt libvips does not decode) goes through libheif-js,
 * an optional dependency (LGPL-3.0 WebAssembly, loaded only when a HEIC photo comes).
 * The page decodes with the browser's own decoders instead (web/decode.ts).
 */
import { createRequire } from 'node:module';
import type { Metadata, SharpOptions } from 'sharp';
import { fail, FaceclusterError } from '../errors.js';
import { checkImageSize, decodeSide, type DecodedPhoto } from './image.js';

/** The formats sharp's prebuilt libvips decodes that a photo library holds. */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif', 'heif']);

export interface DecodeOptions {
  /** The decoded photo's longest side at most (default DECODE_SIDE). */
  maxSide?: number;
  /** Decoded large enough for faces down to this many pixels high (of the full-size photo) to be found (decodeSide). */
  minFace?: number;
}

/**
 * The photo in `bytes`, upright, scaled down so that its longest side is at most `maxSide` (or
 * what faces of `minFace` pixels need).
 * Width and height are checked from the header before any pixel is decoded; anything that is
 * not a readable photo is a FaceclusterError naming `file`.
 */
export async function decodePhoto(bytes: Uint8Array, file: string, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  // loaded on first use: importing facecluster loads no native image library it may not need
  const { default: sharp } = await import('sharp');
  // the first frame only; 'truncated' refuses a cut-off file rather than returning grey rows
  const settings: SharpOptions = { failOn: 'truncated', limitInputPixels: false, pages: 1, autoOrient: true };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, settings).metadata();
  } catch (e) {
    fail('BAD_FILE', `not a readable image (${firstLine(e)})`, file);
  }
  if (!PHOTO_FORMATS.has(meta.format)) fail('UNSUPPORTED', `a ${meta.format} file, not a photo format (JPEG, PNG, WebP, AVIF, HEIC, TIFF, GIF)`, file);
  checkImageSize(meta.width, meta.height, file);
  // HEIC: libheif-js gives the upright pixels (the container's rotation and mirroring applied)
  const heic = meta.format === 'heif' && meta.compression === 'hevc' ? await decodeHeic(bytes, file) : undefined;
  const open = () => (heic ? sharp(heic.rgba, { raw: { width: heic.width, height: heic.height, channels: 4 } }) : sharp(bytes, settings));
  // autoOrient's width and height: the upright frame, where boxes and landmarks are given
  const width = heic?.width ?? meta.autoOrient?.width ?? meta.width, height = heic?.height ?? meta.autoOrient?.height ?? meta.height;
  const scale = decodeSide(width, height, options.minFace, options.maxSide) / Math.max(width, height);
  const target = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  try {
    const { data, info } = await open()
      .resize({ ...target, fit: 'fill' })
      // transparent pixels shown on mid grey, as the page's canvas would show them on nothing
      .flatten({ background: '#808080' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) fail('BAD_FILE', `decoded to ${info.channels} channels, not RGB`, file);
    return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), fullWidth: width, fullHeight: height };
  } catch (e) {
    if (e instanceof FaceclusterError) throw e;
    fail('BAD_FILE', `not a readable image (${firstLine(e)})`, file);
  }
}

/** libheif-js's module, as far as it is used here. */
interface LibHeif {
  HeifDecoder: new () => { decode(bytes: Uint8Array): HeifImage[] };
}
interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: unknown) => void): void;
  free(): void;
}

const require = createRequire(import.meta.url);

/** The primary image of a HEIC file as RGBA, its size checked before its pixels are decoded. */
async function decodeHeic(bytes: Uint8Array, file: string): Promise<{ rgba: Uint8Array; width: number; height: number }> {
  let libheif: LibHeif;
  try {
    // the bundle carries its .wasm inside (libheif-js/wasm looks for it in the working directory)
    libheif = require('libheif-js/wasm-bundle') as LibHeif;
  } catch {
    fail('UNSUPPORTED', 'a HEIC photo: its decoder, the optional package libheif-js, is not installed (npm install libheif-js)', file);
  }
  let images: HeifImage[];
  try {
    images = new libheif.HeifDecoder().decode(bytes);
  } catch (e) {
    fail('BAD_FILE', `not a readable HEIC image (${firstLine(e)})`, file);
  }
  try {
    const image = images[0];
    if (!image) fail('BAD_FILE', 'a HEIC file with no image in it', file);
    const width = image.get_width(), height = image.get_height();
    checkImageSize(width, height, file);
    const data = new Uint8ClampedArray(width * height * 4);
    const ok = await new Promise<boolean>((resolve) => image.display({ data, width, height }, (result) => resolve(result !== null && result !== undefined)));
    if (!ok) fail('BAD_FILE', 'a HEIC image libheif could not decode', file);
    return { rgba: new Uint8Array(data.buffer), width, height };
  } finally {
    for (const image of images) image.free();
  }
}

/** An error's message, first line only, without the "Input buffer" libvips says of a buffer. */
function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.replace(/^Input buffer /, '').trim();
}
