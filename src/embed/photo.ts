/**
 * One photo to its faces, or to the warning that says why it has none: what every describer
 * does per photo (embed and its queued jobs in Node, the page in a browser), so that one bad
 * photo among thousands is a warning everywhere, never the end of a run.
 */
import { FaceclusterError } from '../errors.js';
import type { EmbeddedFace, FaceEmbedder } from './embedder.js';
import type { DecodedPhoto } from './image.js';

export interface DescribedPhoto {
  /** Its faces, largest first; absent when the photo could not be read or described. */
  faces?: EmbeddedFace[];
  /** Why the photo gives no face, in one line without its name ('no face found', 'cannot read (ENOENT)', …). */
  error?: string;
}

/**
 * `decode()`'s photo described by `embedder` as `image`; whatever fails, in reading, decoding or
 * describing, is the photo's error, never thrown. `file` is the name decode's errors begin with.
 */
export async function describePhoto(embedder: FaceEmbedder, image: string, decode: () => Promise<DecodedPhoto>, file = image): Promise<DescribedPhoto> {
  try {
    const faces = await embedder.embed(await decode(), image);
    return faces.length === 0 ? { faces, error: 'no face found' } : { faces };
  } catch (e) {
    return { error: photoError(e, file) };
  }
}

/** Why a photo failed, in one line without its file name (the warning names it). */
function photoError(e: unknown, file: string): string {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof FaceclusterError ? e.message.replace(`${file}: `, '')
    : typeof code === 'string' ? `cannot read (${code})`
      : `cannot be described (${String((e as Error)?.message ?? e).split('\n')[0]})`;
}
