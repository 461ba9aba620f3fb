/** Reading zip archives (.npz, torch's zip checkpoints) with fflate, safely against damaged size fields. */
import { unzipSync } from 'fflate';
import { FaceclusterError, fail } from '../errors.js';

/** Deflate expands at most ~1032×: an entry claiming more is damaged, and is refused before its buffer is allocated. */
const MAX_DEFLATE_RATIO = 1032;

/** The entries whose names `wanted` accepts, decompressed. */
export function unzipEntries(bytes: Uint8Array, wanted: (name: string) => boolean, file?: string): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        if (!wanted(f.name)) return false;
        const limit = f.compression === 0 ? f.size : f.size * MAX_DEFLATE_RATIO + 1024;
        if (f.originalSize > limit) fail('BAD_FILE', `zip entry '${f.name}' claims ${f.originalSize} bytes from ${f.size} compressed: damaged archive`, file);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof FaceclusterError) throw e;
    fail('BAD_FILE', `not a readable zip archive: ${(e as Error).message}`, file);
  }
}
