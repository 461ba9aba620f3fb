/**
 * From face features to clusters in one call, for every method:
 * - gcn: L-GCN link scores over Instance Pivot Subgraphs, then the seed's propagation;
 * - threshold: connected components of kNN links at a cosine threshold;
 * - cdp: the seed's propagation over kNN similarities;
 * - online: the grouping photo servers use (see cluster/online.ts).
 */
import { fileURLToPath } from 'node:url';
import { knnEdges, onlineGrouping, poolPairs, propagate, splitCannotLinks, thresholdComponents, PROPAGATION_DEFAULTS, type Pool, type PropagationOptions } from '../cluster/index.js';
import type { ComputeBackend } from '../engine/backend.js';
import { OnnxEngine } from '../engine/onnx.js';
import { fail } from '../errors.js';
import { checkEnoughFaces, checkIpsOptions, type IpsOptions } from '../ips/index.js';
import { buildKnn, l2Normalize } from '../knn/index.js';
import { loadModel, type Model } from '../model/files.js';
import { scoreLinks } from '../model/score.js';
import { parallelScoreLinks } from '../model/score-parallel.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';

export type Method = 'gcn' | 'threshold' | 'cdp' | 'online';
export const METHODS: readonly Method[] = Object.freeze(['gcn', 'threshold', 'cdp', 'online']);

/** The model shipped in the package (trained on lfw-train; see models/README.md). */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/lfw-128/', import.meta.url));

/**
 * Defaults of the baselines, tuned on lfw-train (README): cosine threshold 0.955 at K = 80;
 * online grouping at distance 0.0525 with 2 faces to found a person. Both depend on the
 * feature model; tune them for other models.
 */
export const BASELINE_DEFAULTS = Object.freeze({ k: 80, threshold: 0.955, maxDistance: 0.0525, minFaces: 2 });

/**
 * The propagation after the GCN: the seed's, except that links the GCN scores below 0.5 (the
 * classifier's own boundary: "not the same person") are dropped first. The seed joins every
 * scored link before it splits components over max size, so any collection of fewer than 900
 * faces came out as a single cluster (lfw-test's first 600 faces: B-Cubed F 0.02; with the
 * drop, 0.86). `minScore: 0` restores the seed's behaviour.
 */
export const GCN_PROPAGATION_DEFAULTS: Readonly<PropagationOptions> = Object.freeze({ ...PROPAGATION_DEFAULTS, minScore: 0.5 });

export interface ClusterOptions {
  method?: Method;
  /** gcn: the model; the shipped one when not given. */
  model?: Model;
  /** gcn: subgraph settings; the model's inference defaults (paper: 80, 5, 5) when not given. */
  ips?: IpsOptions;
  /** gcn, cdp: propagation settings (gcn: GCN_PROPAGATION_DEFAULTS; cdp: the seed's, max size 900, step 0.6, avg). */
  propagation?: Partial<PropagationOptions>;
  /** A ready kNN graph; built when not given. */
  knn?: KnnGraph;
  /** Neighbours for the baselines (default 80). */
  k?: number;
  threshold?: number;
  maxDistance?: number;
  minFaces?: number;
  /** Rows are unit vectors already. */
  normalized?: boolean;
  /** Where the features came from, for error messages (a file name). */
  source?: string;
  /** Engine for the GCN's products; when not given, onnxruntime in `workers` worker threads. */
  backend?: ComputeBackend;
  /** Worker threads for the GCN (default: one per core). */
  workers?: number;
  onProgress?: (stage: 'knn' | 'gcn', done: number, total: number) => void;
  /**
   * The photo of each face (faces of one photo share a number, −1 unknown; see photoIds): two
   * faces of one photo never end in one cluster.
   */
  photos?: Int32Array;
  /** Told when settings had to shrink to fit a small set of faces. */
  onNotice?: (message: string) => void;
}

export interface ClusterResult {
  labels: Int32Array;
  knn: KnnGraph;
  /** gcn: the scored links (pivot, hop-1 neighbour, probability). */
  edges?: ScoredEdges;
  ips?: IpsOptions;
}

/** The subgraph settings, shrunk to fit when there are fewer than k1 + 1 faces and none were asked for. */
function fitIps(wanted: IpsOptions, n: number, explicit: boolean, notice?: (m: string) => void, source?: string): IpsOptions {
  if (n - 1 >= wanted.k1) return wanted;
  if (explicit) checkEnoughFaces(wanted.k1, n, source);
  const k1 = n - 1;
  const fitted = { k1, k2: Math.min(wanted.k2, k1), u: Math.min(wanted.u, k1) };
  notice?.(`only ${n} faces: k_at_hop shrinks to ${fitted.k1} ${fitted.k2}, active connections to ${fitted.u}`);
  return fitted;
}

export async function clusterFaces(features: Features, options: ClusterOptions = {}): Promise<ClusterResult> {
  const method = options.method ?? 'gcn';
  const n = features.n;
  if (n === 1) return { labels: Int32Array.of(0), knn: { n: 1, k: 0, indices: Int32Array.of(0), sims: Float32Array.of(1) } };
  const unit = options.normalized ? features : l2Normalize(features, options.source);
  const ownEngine = options.backend ? undefined : new OnnxEngine();
  try {
    if (method === 'gcn') {
      const model = options.model ?? loadModel(DEFAULT_MODEL_DIR);
      if (model.config.architecture.dim !== features.dim) {
        fail('SHAPE_MISMATCH', `the model takes ${model.config.architecture.dim}-d features, these are ${features.dim}-d`);
      }
      const ips = fitIps(options.ips ?? model.config.ips, n, options.ips !== undefined, options.onNotice, options.source);
      const knn = options.knn ?? await buildKnn(unit, { k: ips.k1, normalized: true, ...(ownEngine ? { engine: ownEngine } : {}), onProgress: (d, t) => options.onProgress?.('knn', d, t) });
      checkIpsOptions(ips, knn.k);
      const input = model.config.normalize === 'l2' ? unit : features;
      const onProgress = (d: number, t: number) => options.onProgress?.('gcn', d, t);
      const edges = options.backend
        ? await scoreLinks(model.params, input, knn, { ips, backend: options.backend, onProgress })
        : await parallelScoreLinks(model.params, input, knn, { ips, onProgress, ...(options.workers ? { workers: options.workers } : {}) });
      const propagation = { ...GCN_PROPAGATION_DEFAULTS, ...options.propagation };
      const labels = respectPhotos(propagate(edges, n, propagation), edges, n, propagation.pool, options);
      return { labels, knn, edges, ips };
    }
    let k = options.k ?? options.knn?.k ?? BASELINE_DEFAULTS.k;
    if (k > n - 1) {
      if (options.k !== undefined) fail('BAD_OPTION', `k = ${k} is larger than N − 1 = ${n - 1} (there are only ${n} faces)`);
      options.onNotice?.(`only ${n} faces: k shrinks to ${n - 1}`);
      k = n - 1;
    }
    const knn = options.knn ?? await buildKnn(unit, { k, normalized: true, ...(ownEngine ? { engine: ownEngine } : {}), onProgress: (d, t) => options.onProgress?.('knn', d, t) });
    const withSims = knn.sims ? knn : { ...knn, sims: knnSims(knn, unit) };
    const edges = knnEdges(withSims);
    const propagation = { ...PROPAGATION_DEFAULTS, ...options.propagation };
    const labels = method === 'online'
      ? onlineGrouping(withSims, { maxDistance: options.maxDistance ?? BASELINE_DEFAULTS.maxDistance, minFaces: options.minFaces ?? BASELINE_DEFAULTS.minFaces })
      : method === 'threshold'
        ? thresholdComponents(edges, n, options.threshold ?? BASELINE_DEFAULTS.threshold)
        : propagate(edges, n, propagation);
    // the kNN similarities are the links a cluster is split along
    return { labels: respectPhotos(labels, edges, n, propagation.pool, options), knn: withSims };
  } finally {
    await ownEngine?.dispose();
  }
}

/** Splits clusters holding two faces of one photo (see splitCannotLinks), with a notice. */
function respectPhotos(labels: Int32Array, edges: ScoredEdges, n: number, pool: Pool, options: ClusterOptions): Int32Array {
  if (!options.photos) return labels;
  if (options.photos.length !== n) fail('SHAPE_MISMATCH', `${options.photos.length} photo numbers for ${n} faces`);
  const r = splitCannotLinks(labels, options.photos, poolPairs(edges, n, pool));
  if (r.split > 0) options.onNotice?.(`faces of one photo were apart: ${r.split} more clusters`);
  return r.labels;
}

/** Cosine similarities for a kNN graph read without them. */
function knnSims(knn: KnnGraph, unit: Features): Float32Array {
  const w = knn.k + 1, d = unit.dim;
  const sims = new Float32Array(knn.n * w);
  for (let i = 0; i < knn.n; i++) {
    for (let j = 0; j < w; j++) {
      const b = knn.indices[i * w + j]!;
      let s = 0;
      for (let t = 0; t < d; t++) s += unit.data[i * d + t]! * unit.data[b * d + t]!;
      sims[i * w + j] = s;
    }
  }
  return sims;
}
