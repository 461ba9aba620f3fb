/** One photo to its faces, or to the warning that says why it has none: what embed does per photo, on any thread or machine. */
import { readFile } from 'node:fs/promises';
import { FaceclusterError } from '../errors.js';
import type { FaceRecord } from '../io/faces.js';
import { decodePhoto } from './decode.node.js';
import type { FaceEmbedder } from './embedder.js';

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
    const faces = await embedder.embed(await decodePhoto(await readFile(path), path, { minFace: embedder.minFace }), image);
    const result: PhotoResult = { image, faces: faces.map((f) => ({ ...f, descriptor: Array.from(f.descriptor) })) };
    if (faces.length === 0) result.error = 'no face found';
    return result;
  } catch (e) {
    // one bad photo never ends a run: whatever fails on it is its warning
    return { image, error: photoError(e, path) };
  }
}

/** Why a photo failed, in one line without its path (the warning names it). */
function photoError(e: unknown, path: string): string {
  return e instanceof FaceclusterError ? e.message.replace(`${path}: `, '')
    : (e as NodeJS.ErrnoException)?.code !== undefined ? `cannot read (${(e as NodeJS.ErrnoException).code})`
      : `cannot be described (${String((e as Error)?.message ?? e).split('\n')[0]})`;
}
