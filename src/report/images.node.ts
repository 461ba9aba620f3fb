/**
 * Face thumbnails for the report: each face's box (with a margin) cut from its photo, scaled to
 * a small square and encoded as JPEG (a few KB), so that a page over a whole library stays small
 * however large the photos are. Photos are decoded as `embed` decodes them (upright, at bounded
 * size, boxes in the full-size frame); one that cannot be read leaves its faces as numbers.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import sharp from 'sharp';
import { decodePhoto, type DecodedPhoto } from '../embed/embedder.node.js';
import type { FaceRecord } from '../io/faces.js';
import type { ImageSource } from './index.js';

/** Side of a thumbnail in pixels (shown at 96 CSS pixels: sharp on most screens). */
export const THUMBNAIL_SIZE = 96;

/**
 * The face's box grown by a quarter on each side, squared, clipped to the decoded photo (the box
 * is in the full-size frame); the middle square without a box. [left, top, side] in its pixels.
 */
function faceSquare(img: DecodedPhoto, box: number[] | undefined): [number, number, number] {
  if (box?.length !== 4 || box.some((v) => !Number.isFinite(v))) {
    const side = Math.min(img.width, img.height);
    return [Math.floor((img.width - side) / 2), Math.floor((img.height - side) / 2), side];
  }
  const s = img.width / img.fullWidth;
  const [x, y, w, h] = box.map((v) => v * s) as [number, number, number, number];
  const side = Math.max(1, Math.min(img.width, img.height, Math.round(1.5 * Math.max(w, h))));
  const cx = x + w / 2, cy = y + h / 2;
  const x0 = Math.min(Math.max(0, Math.round(cx - side / 2)), img.width - side);
  const y0 = Math.min(Math.max(0, Math.round(cy - side / 2)), img.height - side);
  return [x0, y0, side];
}

/**
 * Thumbnails of the faces' photos under `root` (the folder of faces.json). The last photo read
 * is kept, so faces asked for in photo order (as renderReport does) decode each photo once.
 */
export function thumbnailsFrom(root: string): ImageSource {
  let last: { path: string; img: DecodedPhoto | undefined } | undefined;
  return async (face: FaceRecord) => {
    const path = isAbsolute(face.image) ? face.image : resolve(root, face.image);
    if (last?.path !== path) {
      let img: DecodedPhoto | undefined;
      try {
        img = await decodePhoto(await readFile(path), path);
      } catch {
        img = undefined;
      }
      last = { path, img };
    }
    const img = last.img;
    if (!img) return undefined;
    const [left, top, side] = faceSquare(img, face.box);
    const bytes = await sharp(img.rgb, { raw: { width: img.width, height: img.height, channels: 3 } })
      .extract({ left, top, width: side, height: side })
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
      .jpeg({ quality: 80 })
      .toBuffer();
    return { bytes: new Uint8Array(bytes), mime: 'image/jpeg' };
  };
}
