import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fail } from '../errors.js';

/**
 * Reads a whole file into a fresh ArrayBuffer that starts at offset 0, so typed-array views over
 * it are aligned (Node's own readFileSync may hand out a slice of a shared, unaligned pool).
 */
export function readFileAligned(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail('NOT_FOUND', code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? String(e)})`, path);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) fail('NOT_FOUND', 'is a directory, expected a file', path);
    const bytes = new Uint8Array(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, bytes, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === st.size ? bytes : bytes.subarray(0, off);
  } catch (e) {
    if ((e as Error).name === 'FaceclusterError') throw e;
    fail('NOT_FOUND', `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, path);
  } finally {
    closeSync(fd);
  }
}
