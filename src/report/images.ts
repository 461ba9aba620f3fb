/**
 * Face thumbnails for the report: each face's box (with a margin) cut from its photo, scaled to
 * a small square by area averaging and encoded as JPEG (a few KB), so that a page over a whole
 * library stays small however large the photos are. Photos are decoded as `embed` decodes them
 * (bounded size); one that cannot be read leaves its faces as numbers.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { decodeImage, type DecodedImage } from '../embed/index.js';
import type { FaceRecord } from '../io/faces.js';
import type { ImageSource } from './index.js';

/** Side of a thumbnail in pixels (shown at 96 CSS pixels: sharp on most screens). */
export const THUMBNAIL_SIZE = 96;

/** The face's box grown by a quarter on each side, squared, clipped to the image; the whole image without a box. */
function faceSquare(img: DecodedImage, box: number[] | undefined): [number, number, number] {
  if (!box || box.length !== 4 || box.some((v) => !Number.isFinite(v))) {
    const side = Math.min(img.width, img.height);
    return [Math.floor((img.width - side) / 2), Math.floor((img.height - side) / 2), side];
  }
  const [x, y, w, h] = box as [number, number, number, number];
  const side = Math.max(1, Math.min(img.width, img.height, Math.round(1.5 * Math.max(w, h))));
  const cx = x + w / 2, cy = y + h / 2;
  const x0 = Math.min(Math.max(0, Math.round(cx - side / 2)), img.width - side);
  const y0 = Math.min(Math.max(0, Math.round(cy - side / 2)), img.height - side);
  return [x0, y0, side];
}

/** A `size`×`size` RGBA thumbnail of the square at (x0, y0) of side `side`, each pixel the mean of the source pixels it covers. */
export function thumbnail(img: DecodedImage, box: number[] | undefined, size = THUMBNAIL_SIZE): Uint8Array {
  const [x0, y0, side] = faceSquare(img, box);
  const out = new Uint8Array(size * size * 4);
  const step = side / size;
  for (let ty = 0; ty < size; ty++) {
    const sy0 = y0 + Math.floor(ty * step), sy1 = Math.max(sy0 + 1, y0 + Math.floor((ty + 1) * step));
    for (let tx = 0; tx < size; tx++) {
      const sx0 = x0 + Math.floor(tx * step), sx1 = Math.max(sx0 + 1, x0 + Math.floor((tx + 1) * step));
      let r = 0, g = 0, b = 0, count = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0; sx < sx1; sx++) {
          const p = (sy * img.width + sx) * 3;
          r += img.rgb[p]!; g += img.rgb[p + 1]!; b += img.rgb[p + 2]!; count++;
        }
      }
      const o = (ty * size + tx) * 4;
      out[o] = r / count; out[o + 1] = g / count; out[o + 2] = b / count; out[o + 3] = 255;
    }
  }
  return out;
}

/**
 * Thumbnails of the faces' photos under `root` (the folder of faces.json). The last photo read
 * is kept, so faces asked for in photo order (as renderReport does) decode each photo once.
 */
export function imagesFrom(root: string): ImageSource {
  let last: { path: string; img: DecodedImage | undefined } | undefined;
  return (face: FaceRecord) => {
    const path = isAbsolute(face.image) ? face.image : resolve(root, face.image);
    if (last?.path !== path) {
      let img: DecodedImage | undefined;
      try {
        img = decodeImage(readFileSync(path), path);
      } catch {
        img = undefined;
      }
      last = { path, img };
    }
    if (!last.img) return undefined;
    const bytes = jpeg.encode({ data: thumbnail(last.img, face.box), width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE }, 80).data;
    return { bytes, mime: 'image/jpeg' };
  };
}
