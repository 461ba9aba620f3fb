/** Photos to pixels in the page, with the browser's own decoders. */
import { checkImageSize, DECODE_SIDE, FaceclusterError, type DecodedPhoto } from 'facecluster/browser';

/**
 * A photo file as the browser decodes it (JPEG, PNG, WebP, AVIF, GIF's first frame: whatever
 * createImageBitmap reads), turned upright by its EXIF orientation and scaled down so that its
 * longest side is at most `maxSide`, as src/embed/decode.node.ts does in Node. `file` names it in errors.
 */
export async function decodeBlob(blob: Blob, file: string, maxSide = DECODE_SIDE): Promise<DecodedPhoto> {
  let full: ImageBitmap;
  try {
    full = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (e) {
    throw new FaceclusterError('BAD_FILE', `not an image this browser decodes (${(e as Error).message})`, file);
  }
  try {
    checkImageSize(full.width, full.height, file);
    const scale = Math.min(1, maxSide / Math.max(full.width, full.height));
    const width = Math.max(1, Math.round(full.width * scale)), height = Math.max(1, Math.round(full.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    // transparent pixels on mid grey, as decode.node.ts flattens them
    context.fillStyle = '#808080';
    context.fillRect(0, 0, width, height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(full, 0, 0, width, height);
    const rgba = context.getImageData(0, 0, width, height).data;
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      rgb[p * 3] = rgba[p * 4]!; rgb[p * 3 + 1] = rgba[p * 4 + 1]!; rgb[p * 3 + 2] = rgba[p * 4 + 2]!;
    }
    return { width, height, rgb, fullWidth: full.width, fullHeight: full.height };
  } finally {
    full.close();
  }
}
