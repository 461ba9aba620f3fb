import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { fail } from '../errors.js';

/**
 * Makes `path` with `write`, which writes a temporary file beside it, then renames that file, so
 * that readers only ever see the old file or the complete new one. A failure removes the
 * temporary file and leaves `path` untouched.
 */
export function atomicWrite(path: string, write: (tmp: string) => void): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    write(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    fail('FAILED', `cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message ?? String(e)})`, path);
  }
}

/** Writes `chunks` to `path` atomically (atomicWrite), flushed to disk before the rename. */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array>): void {
  atomicWrite(path, (tmp) => {
    const fd = openSync(tmp, 'w');
    try {
      for (const chunk of chunks) {
        let off = 0;
        while (off < chunk.byteLength) off += writeSync(fd, chunk, off, chunk.byteLength - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}
