/** Loading the inputs a command names, with the cross-checks between them (sizes, K). */
import { DESCRIPTOR_PRIORS, descriptorPrior, type Constraints } from '../cluster/index.js';
import { fail } from '../errors.js';
import { parseConstraints, readFaces, readFeatures, readKnn, readLabels, readText, resolveConstraints, type FaceRecord } from '../io/index.js';
import type { KnnSearch } from '../knn/index.js';
import type { Features, KnnGraph } from '../types.js';
import { checkRange, type DESCRIPTORS_OPTION, type KNN_SEARCH_OPTIONS, type OptionSpec, type OptionValues, type THREADS_OPTION } from './args.js';

export function loadFeatures(path: string, dim?: number): Features {
  return readFeatures(path, dim === undefined ? {} : { dim });
}

export function loadLabels(path: string, n: number): Int32Array {
  const labels = readLabels(path);
  if (labels.length !== n) fail('SHAPE_MISMATCH', `has ${labels.length} labels but there are ${n} faces`, path);
  return labels;
}

/** A kNN graph for `n` faces with at least `minK` neighbours a row. */
export function loadKnn(path: string, n: number, minK = 1): KnnGraph {
  const knn = readKnn(path);
  if (knn.n !== n) fail('SHAPE_MISMATCH', `has ${knn.n} rows but there are ${n} faces`, path);
  if (knn.k < minK) fail('SHAPE_MISMATCH', `has K = ${knn.k} neighbours a row, fewer than the ${minK} needed`, path);
  return knn;
}

/** The first `k` neighbours of each row of a graph with more. */
export function truncateKnn(knn: KnnGraph, k: number): KnnGraph {
  if (k === knn.k) return knn;
  const w = knn.k + 1, v = k + 1;
  const indices = new Int32Array(knn.n * v);
  const sims = knn.sims ? new Float32Array(knn.n * v) : undefined;
  for (let i = 0; i < knn.n; i++) {
    indices.set(knn.indices.subarray(i * w, i * w + v), i * v);
    sims?.set(knn.sims!.subarray(i * w, i * w + v), i * v);
  }
  return sims ? { n: knn.n, k, indices, sims } : { n: knn.n, k, indices };
}

/** A number in the option's range, or the word auto. */
export function parseAuto(value: string, option: string, range: Pick<OptionSpec, 'min' | 'max' | 'above' | 'below'>): number | 'auto' {
  if (value === 'auto') return 'auto';
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x)) fail('BAD_OPTION', `--${option} takes a number or auto, got '${value}'`);
  return checkRange(option, { type: 'number', help: '', ...range }, x);
}

/** Cosine similarities: what a link threshold can be. */
export const COSINE_RANGE = Object.freeze({ min: -1, max: 1 });

/** The kNN search settings of KNN_SEARCH_OPTIONS (and --threads, shared with the command's other stages). */
/** The options knnSearchFrom reads: the search's, and --threads and --index where the command has them. */
type KnnSearchValues = OptionValues<typeof KNN_SEARCH_OPTIONS> & Partial<OptionValues<typeof THREADS_OPTION>> & { index?: string | undefined };

export function knnSearchFrom(o: KnnSearchValues): KnnSearch {
  const method = o['knn-method'];
  for (const flag of ['index', 'index-out'] as const) {
    if (o[flag] !== undefined && method === 'exact') fail('BAD_OPTION', `--${flag} is an HNSW index: it needs --knn-method hnsw or auto`);
  }
  return {
    method,
    hnsw: {
      connectivity: o['hnsw-m'],
      expansionAdd: o['hnsw-ef-construction'],
      expansionSearch: o['hnsw-ef'],
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
    },
    ...(o['index-out'] !== undefined ? { indexOut: o['index-out'] } : {}),
  };
}

/** --descriptors, checked against the models facecluster has measurements of, else the model a faces.json names. */
export function descriptorsFrom(o: Partial<OptionValues<typeof DESCRIPTORS_OPTION>>, faces?: readonly { model?: string }[]): string | undefined {
  const named = o.descriptors;
  if (named !== undefined && named !== 'unknown' && !descriptorPrior(named)) {
    fail('BAD_OPTION', `--descriptors: no measurements of '${named}'; known: ${Object.keys(DESCRIPTOR_PRIORS).join(', ')}, or unknown`);
  }
  return named ?? faces?.find((f) => f.model !== undefined)?.model;
}

/** --constraints: the file's pairs as face rows (faces named by photo need --faces), with a note for pairs whose faces are gone. */
export function loadConstraints(path: string, n: number, faces: readonly FaceRecord[] | undefined, quiet: boolean): Constraints {
  const { constraints, missing } = resolveConstraints(parseConstraints(readText(path), path), n, path, faces);
  if (missing > 0 && !quiet) console.error(`facecluster: note: ${path}: ${missing} ${missing === 1 ? 'pair names a face' : 'pairs name faces'} not among these faces (left out)`);
  return constraints;
}

/** --faces: faces.json with one entry per face (`n`), or undefined when not given; `which` says which faces when that is not plain. */
export function loadFaces(path: string | undefined, n: number, which = ''): FaceRecord[] | undefined {
  if (path === undefined) return undefined;
  const faces = readFaces(path);
  if (faces.length !== n) fail('SHAPE_MISMATCH', `has ${faces.length} entries but there are ${n} faces${which}`, path);
  return faces;
}
