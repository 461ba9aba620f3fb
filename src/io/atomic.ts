import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { fail } from '../errors.js';

/**
 * Writes `chunks` to `path` so that readers only ever see the old file or the complete new one:
 * the bytes go to a temporary file beside it, are flushed, and the temporary file is renamed.
 * A failure removes the temporary file and leaves `path` untouched.
 */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array>): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    fail('NOT_FOUND', `cannot write here (${(e as NodeJS.ErrnoException).code ?? String(e)})`, path);
  }
  try {
    for (const chunk of chunks) {
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(fd, chunk, off, chunk.byteLength - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    fail('NOT_FOUND', `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`, path);
  }
}
