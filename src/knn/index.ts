/**
 * Cosine k-nearest neighbours of every face, self first: exact (src/knn/exact.ts, O(N²) on
 * onnxruntime's products) or approximate (src/knn/hnsw.node.ts, an HNSW graph, O(N log N)). `auto`
 * picks the one measured faster for the collection's size and width.
 */
import { OnnxEngine } from '../engine/onnx.js';
import { fail } from '../errors.js';
import { seededRandom, shuffledRange } from '../random.js';
import type { Features, KnnGraph } from '../types.js';
import { EXACT_DEFAULTS, exactNeighbours } from './exact.js';
import { addToHnsw, buildHnswIndex, saveHnswIndex, searchHnsw, type HnswIndex } from '#hnsw';
import type { HnswOptions } from './hnsw-options.js';
import { checkUnitRows, l2Normalize } from './normalize.js';
import { placeSelfFirst } from './self-first.js';

export { checkUnitRows, l2Normalize } from './normalize.js';
export { loadHnswIndex, saveHnswIndex, type HnswIndex } from '#hnsw';
export { HNSW_DEFAULTS, type HnswOptions } from './hnsw-options.js';

export type KnnMethod = 'exact' | 'hnsw' | 'auto';
export const KNN_METHODS: readonly KnnMethod[] = ['exact', 'hnsw', 'auto'];

export interface KnnOptions {
  /** Neighbours per face, not counting the face itself. */
  k: number;
  /** Default 'auto' (knnMethodFor). */
  method?: KnnMethod;
  /** Skip L2 normalisation when the rows are known to be unit vectors already. */
  normalized?: boolean;
  /** exact: engine to multiply on; a private one is made (and disposed) when not given. */
  engine?: OnnxEngine;
  /** exact: largest similarity tile held at once, in elements (default 2^25, i.e. 128 MiB). */
  tileElements?: number;
  /** exact: columns compared at once (default 32,768, at least k + 1). */
  columnBlock?: number;
  /** exact, buildKnnRows: how many rows from `first` (default: to the last), a block of a larger job (the queue's kNN jobs). */
  count?: number;
  /** hnsw: graph settings and threads. */
  hnsw?: HnswOptions;
  /** hnsw: an index of the rows before `first` to add the new rows to (buildKnnRows); one is built when not given. */
  index?: HnswIndex;
  /** hnsw: where to save the index (atomically), for `assign` to add new faces to later. */
  indexOut?: string;
  onProgress?: (done: number, total: number) => void;
}

/** The search settings a caller passes through (cluster, assign, the CLI). */
export type KnnSearch = Pick<KnnOptions, 'method' | 'hnsw' | 'indexOut'>;

/**
 * The exact search's tiling, the search method, the neighbours a face when none are asked for
 * (the seed's K, which every method uses), and the faces knnRecall samples.
 */
export const KNN_DEFAULTS = Object.freeze({ ...EXACT_DEFAULTS, method: 'auto' as KnnMethod, k: 80, recallQueries: 1000 });

/**
 * Where HNSW overtakes exact search, in N²·D (the exact search's cost). Measured on 2 cores at
 * 512-d: at 200,000 faces exact took 211 s and HNSW (default settings, build and queries) about
 * 510 s; at 1,000,000 HNSW took 3,141 s and exact would take about 5,300 s (it grows as N²).
 * Between the two, they cross near 500,000 faces. Below it exact is both faster and exact.
 */
export const HNSW_CROSSOVER = 500_000 * 500_000 * 512;

/** The method used for n faces of width dim: an index given or asked for means HNSW; `auto` follows the crossover. */
export function knnMethodFor(n: number, dim: number, options: Pick<KnnOptions, 'method' | 'index' | 'indexOut'> = {}): 'exact' | 'hnsw' {
  if ((options.index || options.indexOut !== undefined) && options.method === 'exact') fail('BAD_OPTION', 'an HNSW index is given or asked for, but the method is exact');
  if (options.index || options.indexOut !== undefined) return 'hnsw';
  const method = options.method ?? 'auto';
  if (method !== 'auto') return method;
  return n * n * dim >= HNSW_CROSSOVER ? 'hnsw' : 'exact';
}

export async function buildKnn(features: Features, options: KnnOptions): Promise<KnnGraph> {
  return { n: features.n, k: options.k, ...(await buildKnnRows(features, 0, options)) };
}

/**
 * The kNN rows of faces `first`..N−1 among all N faces, as buildKnn's rows (self first): for
 * faces added to a collection whose older rows are kept, in time proportional to the new ones.
 */
export async function buildKnnRows(features: Features, first: number, options: KnnOptions): Promise<{ indices: Int32Array; sims: Float32Array }> {
  const { n, dim } = features;
  if (!Number.isInteger(first) || first < 0 || first >= n) fail('BAD_OPTION', `first row ${first} is not in [0, ${n})`);
  const k = options.k;
  if (!Number.isInteger(k) || k < 1) fail('BAD_OPTION', `k must be a positive integer, got ${k}`);
  if (k > n - 1) fail('BAD_OPTION', `k = ${k} is larger than N − 1 = ${n - 1} (there are only ${n} faces)`);
  const count = options.count ?? n - first;
  if (!Number.isInteger(count) || count < 1 || first + count > n) fail('BAD_OPTION', `rows ${first}..${first + count - 1} are not among the ${n} faces`);
  const x = options.normalized ? checkUnitRows(features) : l2Normalize(features);
  const w = k + 1;
  const queries = { n: count, dim, data: x.data.subarray(first * dim, (first + count) * dim) };
  const method = knnMethodFor(n, dim, options);
  if (method === 'hnsw' && count !== n - first) fail('BAD_OPTION', 'HNSW searches every row from the first one asked for: a count of rows is for exact search');
  const candidates = method === 'hnsw' ? hnswCandidates(x, first, w, options) : await exactCandidates(x, queries, w, options);
  const indices = new Int32Array(queries.n * w);
  const sims = new Float32Array(queries.n * w);
  for (let i = 0; i < queries.n; i++) {
    placeSelfFirst(first + i, candidates.indices.subarray(i * w, (i + 1) * w), candidates.sims.subarray(i * w, (i + 1) * w), indices, sims, w, i);
  }
  return { indices, sims };
}

async function exactCandidates(x: Features, queries: Features, w: number, options: Pick<KnnOptions, 'engine' | 'tileElements' | 'columnBlock' | 'onProgress'>) {
  const engine = options.engine ?? new OnnxEngine();
  try {
    return await exactNeighbours(x, queries, w, { engine, ...pick(options, 'tileElements', 'columnBlock', 'onProgress') });
  } finally {
    if (!options.engine) await engine.dispose();
  }
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (o[key] !== undefined) out[key] = o[key];
  return out;
}

/**
 * HNSW's candidates for rows first..N−1, with float32 similarities recomputed and sorted as the
 * exact search sorts them (decreasing, ties by lower index). Progress counts adding and
 * searching as one pass each over the rows they touch.
 */
function hnswCandidates(x: Features, first: number, w: number, options: KnnOptions): { indices: Int32Array; sims: Float32Array } {
  const { n, dim } = x;
  const added = options.index ? n - first : n;
  const total = added + (n - first);
  const report = (offset: number) => (d: number) => options.onProgress?.(offset + d, total);
  let index = options.index;
  if (index) {
    if (index.size() !== first) fail('SHAPE_MISMATCH', `the HNSW index holds ${index.size()} faces, but ${first} come before the new ones`);
    addToHnsw(index, { n: n - first, dim, data: x.data.subarray(first * dim) }, first, options.hnsw, report(0));
  } else {
    index = buildHnswIndex(x, options.hnsw, report(0));
  }
  if (options.indexOut !== undefined) saveHnswIndex(index, options.indexOut);
  const queries = { n: n - first, dim, data: x.data.subarray(first * dim) };
  const ids = searchHnsw(index, queries, w, options.hnsw, report(added));
  const sims = new Float32Array(ids.length);
  const order = Array.from({ length: w }, (_, j) => j);
  const rowIds = new Int32Array(w), rowSims = new Float32Array(w);
  for (let i = 0; i < queries.n; i++) {
    for (let j = 0; j < w; j++) {
      const b = ids[i * w + j]!;
      rowIds[j] = b; rowSims[j] = b >= 0 ? dot(x, first + i, b) : -Infinity;
    }
    order.sort((a, b) => rowSims[b]! - rowSims[a]! || rowIds[a]! - rowIds[b]!);
    for (let j = 0; j < w; j++) { ids[i * w + j] = rowIds[order[j]!]!; sims[i * w + j] = rowSims[order[j]!]!; }
    for (let j = 0; j < w; j++) order[j] = j;
  }
  return { indices: ids, sims };
}

export interface RecallResult {
  /** Share of the exact K nearest (self excluded) that the graph lists, over the sampled faces. */
  recall: number;
  /** Faces sampled. */
  queries: number;
}

/**
 * recall@K of a kNN graph against exact search, on `queries` faces sampled at random (seeded):
 * what `knn --check-recall` prints.
 */
export async function knnRecall(features: Features, knn: KnnGraph,
  options: { queries?: number; seed?: number; normalized?: boolean; engine?: OnnxEngine } = {}): Promise<RecallResult> {
  const { n, dim } = features;
  const w = knn.k + 1;
  const q = Math.min(n, options.queries ?? KNN_DEFAULTS.recallQueries);
  const x = options.normalized ? features : l2Normalize(features);
  // a seeded sample without replacement
  const sample = shuffledRange(n, seededRandom(options.seed ?? 1)).subarray(0, q);
  const data = new Float32Array(q * dim);
  sample.forEach((row, i) => { data.set(x.data.subarray(row * dim, (row + 1) * dim), i * dim); });
  const exact = await exactCandidates(x, { n: q, dim, data }, w, options);
  const truthIds = new Int32Array(w), truthSims = new Float32Array(w);
  let found = 0;
  for (let i = 0; i < q; i++) {
    const row = sample[i]!;
    placeSelfFirst(row, exact.indices.subarray(i * w, (i + 1) * w), exact.sims.subarray(i * w, (i + 1) * w), truthIds, truthSims, w, 0);
    const listed = new Set(knn.indices.subarray(row * w + 1, (row + 1) * w));
    for (let j = 1; j < w; j++) if (listed.has(truthIds[j]!)) found++;
  }
  return { recall: found / (q * knn.k), queries: q };
}

/** The dot product of rows a and b (their cosine, for unit rows). */
function dot(x: Features, a: number, b: number): number {
  const d = x.dim;
  let s = 0;
  for (let t = 0; t < d; t++) s += x.data[a * d + t]! * x.data[b * d + t]!;
  return s;
}

/** The kNN graph with its similarities: its own, or computed from the unit rows where it came without them. */
export function withSimilarities(knn: KnnGraph, unit: Features): KnnGraph & { sims: Float32Array } {
  return knn.sims ? (knn as KnnGraph & { sims: Float32Array }) : { ...knn, sims: knnSimilarities(knn, unit) };
}

/** Cosine similarities of a kNN graph read without them, from unit-length rows. */
export function knnSimilarities(knn: KnnGraph, unit: Features): Float32Array {
  const w = knn.k + 1;
  const sims = new Float32Array(knn.n * w);
  for (let i = 0; i < knn.n; i++) {
    for (let j = 0; j < w; j++) sims[i * w + j] = dot(unit, i, knn.indices[i * w + j]!);
  }
  return sims;
}
