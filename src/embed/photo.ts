/** One photo to its faces, or to the warning that says why it has none: what embed does per photo, on any thread or machine. */
import { readFileSync } from 'node:fs';
import { FaceclusterError } from '../errors.js';
import type { FaceRecord } from '../io/faces.js';
import { decodeImage, type FaceEmbedder } from './index.js';

export interface PhotoResult {
  /** The photo's name as written to faces.json. */
  image: string;
  /** Its faces, largest first, with their descriptors (absent when the photo could not be read). */
  faces?: (FaceRecord & { descriptor: number[] })[];
  /** Why the photo gives no face. */
  error?: string;
}

/** Reads, decodes and describes the photo at `path`; any failure is the photo's error, never thrown. */
export async function embedPhoto(embedder: FaceEmbedder, path: string, image: string): Promise<PhotoResult> {
  try {
    const faces = await embedder.embed(decodeImage(readFileSync(path), path), image);
    const result: PhotoResult = { image, faces: faces.map((f) => ({ ...f, descriptor: Array.from(f.descriptor) })) };
    if (faces.length === 0) result.error = 'no face found';
    return result;
  } catch (e) {
    // one bad photo never ends a run: whatever fails on it is its warning
    const why = e instanceof FaceclusterError ? e.message.replace(`${path}: `, '')
      : (e as NodeJS.ErrnoException).code !== undefined ? `cannot read (${(e as NodeJS.ErrnoException).code})`
        : `cannot be described (${String((e as Error)?.message ?? e).split('\n')[0]})`;
    return { image, error: why };
  }
}
