/** Image files for the report's thumbnails, resolved against the folder of faces.json. */
import { readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { FaceRecord } from '../io/faces.js';
import type { ImageSource } from './index.js';

const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif' };
/** Larger files are left out of the page (it would grow by 4/3 of each). */
const MAX_IMAGE_BYTES = 4 << 20;

export function imagesFrom(root: string): ImageSource {
  return (face: FaceRecord) => {
    const path = isAbsolute(face.image) ? face.image : resolve(root, face.image);
    const mime = MIME[extname(path).toLowerCase()];
    if (!mime) return undefined;
    try {
      if (statSync(path).size > MAX_IMAGE_BYTES) return undefined;
      return { bytes: readFileSync(path), mime };
    } catch {
      return undefined;
    }
  };
}
