/**
 * Features, labels and kNN graphs to and from bytes, in the formats users bring, chosen by the
 * file name's extension (files.node.ts reads and writes the files; a browser passes `File` bytes):
 * - `.npy`: the seed's layout (features N×D, labels N, kNN N×(K+1) with self in column 0);
 * - learn-to-cluster's layout: features `.bin` (raw little-endian float32 rows, D given),
 *   labels `.meta` (one integer a line), kNN `.npz` (key `data`, shape [N, 2, K+1]: neighbour
 *   ids then distances 1 − cosine, self first).
 */
import { zipSync } from 'fflate';
import { fail } from '../errors.js';
import type { Features, KnnGraph } from '../types.js';
import { decodeNpy, encodeNpy, encodeNpyHeader, npyToFloat32, npyToFloat64, npyToInt32, type NpyView } from './npy.js';
import { placeSelfFirst } from '../knn/self-first.js';
import { unzipEntries } from './zip.js';

/** The extension of a file name, lower case, with its dot ('' when none), as node:path's extname. */
export function ext(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export function unsupportedExt(path: string, what: string, allowed: string): never {
  fail('UNSUPPORTED', `cannot tell the format of ${what} from extension '${ext(path) || '(none)'}' (expected ${allowed})`, path);
}
function checkFinite(data: Float32Array, dim: number, file: string): void {
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (x - x !== 0) fail('BAD_VALUE', `row ${Math.floor(i / dim)}, column ${i % dim} is ${x} (features must be finite)`, file);
  }
}

export interface ReadFeaturesOptions {
  /** Row width for `.bin` files, which do not record it. */
  dim?: number;
}

/** Features from a file's bytes; `path` gives the format (by extension) and names the file in errors. */
export function decodeFeatures(bytes: Uint8Array, path: string, options: ReadFeaturesOptions = {}): Features {
  let f: Features;
  if (ext(path) === '.npy') {
    const v = decodeNpy(bytes, path);
    if (v.shape.length !== 2) fail('SHAPE_MISMATCH', `features must be 2-D (N×D), got shape (${v.shape.join(', ')})`, path);
    if (v.dtype[0] !== 'f') fail('BAD_VALUE', `features must be floating point, got dtype ${v.dtype}`, path);
    f = { n: v.shape[0]!, dim: v.shape[1]!, data: npyToFloat32(v) };
  } else if (ext(path) === '.bin') {
    const dim = options.dim;
    if (dim === undefined || !Number.isInteger(dim) || dim < 1) fail('BAD_OPTION', '.bin features need their row width (dim)', path);
    if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
    if (bytes.byteLength % (4 * dim) !== 0) {
      fail('BAD_FILE', `size ${bytes.byteLength} bytes is not a whole number of ${dim}-d float32 rows`, path);
    }
    f = { n: bytes.byteLength / (4 * dim), dim, data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
  } else {
    unsupportedExt(path, 'features', '.npy or .bin');
  }
  if (f.n === 0) fail('BAD_VALUE', 'no faces (0 rows)', path);
  if (f.dim === 0) fail('BAD_VALUE', 'features have width 0', path);
  checkFinite(f.data, f.dim, path);
  return f;
}

export function decodeLabels(bytes: Uint8Array, path: string): Int32Array {
  if (ext(path) === '.npy') {
    const v = decodeNpy(bytes, path);
    if (v.shape.length !== 1 && !(v.shape.length === 2 && v.shape[1] === 1)) {
      fail('SHAPE_MISMATCH', `labels must be 1-D (N) or N×1, got shape (${v.shape.join(', ')})`, path);
    }
    return npyToInt32(v, path);
  }
  if (ext(path) === '.meta') {
    const text = new TextDecoder().decode(bytes);
    const lines = text.split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    const out = new Int32Array(lines.length);
    lines.forEach((line, i) => {
      const s = line.trim();
      if (!/^-?\d+$/.test(s) || Math.abs(Number(s)) > 2147483647) fail('BAD_VALUE', `line ${i + 1} ('${s.slice(0, 40)}') is not a 32-bit integer label`, path);
      out[i] = Number(s);
    });
    return out;
  }
  unsupportedExt(path, 'labels', '.npy or .meta');
}

export function decodeKnn(bytes: Uint8Array, path: string): KnnGraph {
  let knn: KnnGraph;
  if (ext(path) === '.npy') {
    const v = decodeNpy(bytes, path);
    if (v.shape.length !== 2 || v.shape[1]! < 1) fail('SHAPE_MISMATCH', `kNN graph must be N×(K+1), got shape (${v.shape.join(', ')})`, path);
    knn = { n: v.shape[0]!, k: v.shape[1]! - 1, indices: npyToInt32(v, path) };
  } else if (ext(path) === '.npz') {
    knn = knnFromLearnToCluster(npzEntry(bytes, 'data', path), path);
  } else {
    unsupportedExt(path, 'a kNN graph', '.npy or .npz');
  }
  validateKnn(knn, path);
  return knn;
}

export function validateKnn(knn: KnnGraph, file?: string): void {
  const { n, k, indices } = knn;
  const w = k + 1;
  if (n === 0) fail('BAD_VALUE', 'kNN graph has no rows', file);
  const seenIn = new Int32Array(n).fill(-1); // row that last listed each id
  for (let i = 0; i < n; i++) {
    if (indices[i * w] !== i) fail('BAD_VALUE', `row ${i} does not start with itself (column 0 is ${indices[i * w]}); rebuild it with 'facecluster knn'`, file);
    for (let j = 0; j < w; j++) {
      const x = indices[i * w + j]!;
      if (x < 0 || x >= n) fail('BAD_VALUE', `row ${i}, column ${j}: index ${x} is out of range [0, ${n})`, file);
      if (seenIn[x] === i) fail('BAD_VALUE', `row ${i} lists ${x} twice (column ${j})`, file);
      seenIn[x] = i;
    }
  }
}

function npzEntry(bytes: Uint8Array, key: string, path: string): NpyView {
  const files = unzipEntries(bytes, (name) => name === `${key}.npy`, path);
  const entry = files[`${key}.npy`];
  if (entry === undefined) fail('BAD_FILE', `.npz archive has no '${key}' array`, path);
  // unzipSync may return a view into a larger buffer; copy when unaligned so typed views work.
  return decodeNpy(entry.byteOffset % 8 === 0 ? entry : entry.slice(), path);
}

/**
 * learn-to-cluster's [N, 2, K+1] array (ids as floats, distances 1 − cosine) to the seed's
 * layout. An exact-duplicate face can come before the row itself there (faiss breaks ties
 * arbitrarily), so the row is moved to the front rather than refused; a row that does not
 * list the face at all, or lists a face twice, is refused (nothing is made up or dropped).
 */
function knnFromLearnToCluster(v: NpyView, file: string): KnnGraph {
  if (v.shape.length !== 3 || v.shape[1] !== 2 || v.shape[2]! < 1) {
    fail('SHAPE_MISMATCH', `learn-to-cluster kNN must have shape [N, 2, K+1], got (${v.shape.join(', ')})`, file);
  }
  const n = v.shape[0]!;
  const w = v.shape[2]!;
  const all = npyToFloat64(v);
  const indices = new Int32Array(n * w);
  const sims = new Float32Array(n * w);
  for (let i = 0; i < n; i++) {
    const ids = all.subarray(i * 2 * w, i * 2 * w + w);
    const dists = all.subarray(i * 2 * w + w, (i + 1) * 2 * w);
    for (let j = 0; j < w; j++) {
      const id = ids[j]!;
      if (!Number.isInteger(id) || id < 0 || id >= n) fail('BAD_VALUE', `row ${i}, column ${j}: neighbour id ${id} is not an index in [0, ${n})`, file);
    }
    if (!ids.includes(i)) fail('BAD_VALUE', `row ${i} does not list face ${i} itself; rebuild it with 'facecluster knn'`, file);
    placeSelfFirst(i, ids, dists.map((x) => 1 - x), indices, sims, w);
  }
  return { n, k: w - 1, indices, sims };
}


/** The bytes of `f` in the format `path`'s extension names. */
export function encodeFeatures(path: string, f: Features): Iterable<Uint8Array> {
  if (ext(path) === '.npy') return encodeNpy(f.data, [f.n, f.dim], 'f4', path);
  if (ext(path) === '.bin') return [new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength)];
  unsupportedExt(path, 'features', '.npy or .bin');
}

export function encodeLabels(path: string, labels: Int32Array): Iterable<Uint8Array> {
  if (ext(path) === '.npy') return encodeNpy(labels, [labels.length], 'i8', path);
  if (ext(path) === '.meta') return [new TextEncoder().encode(labels.join('\n') + (labels.length ? '\n' : ''))];
  unsupportedExt(path, 'labels', '.npy or .meta');
}

export function encodeKnn(path: string, knn: KnnGraph): Iterable<Uint8Array> {
  const w = knn.k + 1;
  if (ext(path) === '.npy') return encodeNpy(knn.indices, [knn.n, w], 'i8', path);
  if (ext(path) !== '.npz') unsupportedExt(path, 'a kNN graph', '.npy or .npz');
  if (!knn.sims) fail('BAD_VALUE', 'the learn-to-cluster .npz layout needs similarities', path);
  // float32 holds integer ids exactly up to 2^24; beyond that use float64
  const wide = knn.n > 1 << 24;
  const arr = wide ? new Float64Array(knn.n * 2 * w) : new Float32Array(knn.n * 2 * w);
  for (let i = 0; i < knn.n; i++) {
    for (let j = 0; j < w; j++) {
      arr[i * 2 * w + j] = knn.indices[i * w + j]!;
      arr[i * 2 * w + w + j] = 1 - knn.sims[i * w + j]!;
    }
  }
  const header = encodeNpyHeader(wide ? 'f8' : 'f4', [knn.n, 2, w]);
  const npy = new Uint8Array(header.length + arr.byteLength);
  npy.set(header);
  npy.set(new Uint8Array(arr.buffer), header.length);
  return [zipSync({ 'data.npy': [npy, { level: 6 }] })];
}

/** Similarities beside a `.npy` kNN graph (`--sims-out`). */
export function encodeSims(path: string, knn: KnnGraph): Iterable<Uint8Array> {
  if (!knn.sims) fail('BAD_VALUE', 'no similarities to write', path);
  if (ext(path) !== '.npy') unsupportedExt(path, 'similarities', '.npy');
  return encodeNpy(knn.sims, [knn.n, knn.k + 1], 'f4', path);
}
