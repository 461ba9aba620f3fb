/**
 * Features, labels, kNN graphs, `.npy` arrays and faces.json as files: read whole into aligned
 * memory and decoded (codecs.ts), or encoded and written atomically (atomic.node.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fail } from '../errors.js';
import type { Features, KnnGraph } from '../types.js';
import { writeFileAtomic } from './atomic.node.js';
import { decodeFeatures, decodeKnn, decodeLabels, encodeFeatures, encodeKnn, encodeLabels, encodeSims, ext, unsupportedExt, type ReadFeaturesOptions } from './codecs.js';
import { parseFaces, type FaceRecord } from './faces.js';
import { decodeNpy, encodeNpy, type NpyDtype, type NpyView, type NpyWritable } from './npy.js';
import { readFileAligned } from './read.node.js';

/** Refuses an extension no reader knows before the file is opened. */
function knownExtension(path: string, what: string, allowed: string[]): void {
  if (!allowed.includes(ext(path))) unsupportedExt(path, what, allowed.join(' or '));
}

export function readFeatures(path: string, options: ReadFeaturesOptions = {}): Features {
  knownExtension(path, 'features', ['.npy', '.bin']);
  return decodeFeatures(readFileAligned(path), path, options);
}

export function writeFeatures(path: string, f: Features): void {
  writeFileAtomic(path, encodeFeatures(path, f));
}

/** Identity labels, one integer per face. */
export function readLabels(path: string): Int32Array {
  knownExtension(path, 'labels', ['.npy', '.meta']);
  return decodeLabels(readFileAligned(path), path);
}

/** Fails early, before any work, when `path` has no labels format facecluster can write. */
export function checkLabelsPath(path: string): void {
  if (ext(path) !== '.npy' && ext(path) !== '.meta') unsupportedExt(path, 'labels', '.npy or .meta');
  if (!existsSync(dirname(resolve(path)))) fail('NOT_FOUND', 'cannot write here (its folder does not exist)', path);
}

export function writeLabels(path: string, labels: Int32Array): void {
  writeFileAtomic(path, encodeLabels(path, labels));
}

/** Reads a kNN graph and checks it is well formed: indices in range, self in column 0. */
export function readKnn(path: string): KnnGraph {
  knownExtension(path, 'a kNN graph', ['.npy', '.npz']);
  return decodeKnn(readFileAligned(path), path);
}

export function writeKnn(path: string, knn: KnnGraph): void {
  writeFileAtomic(path, encodeKnn(path, knn));
}

/** Similarities written alongside a `.npy` kNN graph (`--sims-out`). */
export function writeSims(path: string, knn: KnnGraph): void {
  writeFileAtomic(path, encodeSims(path, knn));
}

export function readNpyView(path: string): NpyView {
  return decodeNpy(readFileAligned(path), path);
}

/** Writes a little-endian, C-order `.npy` (version 1.0, or 2.0 for very long headers), atomically. */
export function writeNpy(path: string, data: NpyWritable, shape: readonly number[], dtype: NpyDtype): void {
  writeFileAtomic(path, encodeNpy(data, shape, dtype, path));
}

/** A UTF-8 text file (faces.json, a constraints or questions file). */
export function readText(path: string): string {
  return new TextDecoder().decode(readFileAligned(path));
}

export function readFaces(path: string): FaceRecord[] {
  return parseFaces(readText(path), path);
}
