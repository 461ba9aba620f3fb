/**
 * Photos to pixels in Node, with sharp (libvips, prebuilt binaries from npm): JPEG, PNG, WebP,
 * AVIF, TIFF and GIF (first frame), turned upright by their EXIF orientation (all eight values,
 * mirrored ones too) and decoded straight to the size the face networks need (shrink-on-load
 * where the format has it), so that time and memory follow that size, not the photo's.
 * The page decodes with the browser's own decoders instead (browser.ts).
 */
import sharp, { type Metadata } from 'sharp';
import { fail, FaceclusterError } from '../errors.js';
import { checkImageSize, DECODE_SIDE, type DecodedPhoto } from './image.js';

/** The formats sharp's prebuilt libvips decodes that a photo library holds. */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif', 'heif']);

export interface DecodeOptions {
  /** The decoded photo's longest side at most (default DECODE_SIDE). */
  maxSide?: number;
}

/**
 * The photo in `bytes`, upright, scaled down so that its longest side is at most `maxSide`.
 * Width and height are checked from the header before any pixel is decoded; anything that is
 * not a readable photo is a FaceclusterError naming `file`.
 */
export async function decodePhoto(bytes: Uint8Array, file: string, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const maxSide = options.maxSide ?? DECODE_SIDE;
  // the first frame only; 'truncated' refuses a cut-off file rather than returning grey rows
  const open = () => sharp(bytes, { failOn: 'truncated', limitInputPixels: false, pages: 1, autoOrient: true });
  let meta: Metadata;
  try {
    meta = await open().metadata();
  } catch (e) {
    fail('BAD_FILE', `not a readable image (${vipsMessage(e)})`, file);
  }
  if (!PHOTO_FORMATS.has(meta.format)) fail('UNSUPPORTED', `a ${meta.format} file, not a photo format (JPEG, PNG, WebP, AVIF, HEIC, TIFF, GIF)`, file);
  checkImageSize(meta.width, meta.height, file);
  // autoOrient's width and height: the upright frame, where boxes and landmarks are given
  const width = meta.autoOrient?.width ?? meta.width, height = meta.autoOrient?.height ?? meta.height;
  const scale = Math.min(1, maxSide / Math.max(width, height));
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
    return {
      width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      fullWidth: width, fullHeight: height,
    };
  } catch (e) {
    if (e instanceof FaceclusterError) throw e;
    fail('BAD_FILE', `not a readable image (${vipsMessage(e)})`, file);
  }
}

/** libvips' message, first line, without the file name it does not know (the input is a buffer). */
function vipsMessage(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.replace(/^Input buffer /, '').trim();
}
