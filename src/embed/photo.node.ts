/** One photo file to its faces, or to the warning that says why it has none (describePhoto): what embed does per photo, on any thread or machine. */
import { readFile } from 'node:fs/promises';
import type { FaceRecord } from '../io/faces.js';
import { decodePhoto } from './decode.node.js';
import type { FaceEmbedder } from './embedder.js';
import { describePhoto } from './photo.js';

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
  const { faces, error } = await describePhoto(embedder, image, async () => decodePhoto(await readFile(path), path, { minFace: embedder.minFace }), path);
  return { image, ...(faces ? { faces: faces.map((f) => ({ ...f, descriptor: Array.from(f.descriptor) })) } : {}), ...(error !== undefined ? { error } : {}) };
}
