/**
 * New faces into an existing clustering, as a photo library grows, in time proportional to the
 * new faces: their kNN rows against old and new faces, their links (method infomap: kNN links
 * at or above the cosine threshold, 'auto' read off the whole kNN graph as `cluster` does; gcn:
 * GCN link scores with the new faces as pivots), then each group of new faces joins one
 * existing cluster or starts its own.
 * - The old faces' kNN rows and labels are kept as they are (their rows do not learn about the
 *   new faces; a full `cluster` re-run does).
 * - Links scoring at least `threshold` count: a new face votes for the clusters of its linked
 *   old neighbours with the sum of the scores; new faces linked to each other form a group,
 *   and the group joins the cluster with the largest total vote, or starts a new cluster.
 *   Assignment never merges two existing clusters.
 */
import { defaultModel } from '#defaults';
import { constraintCount, keepConstraints, knnEdges, poolPairs, UnionFind, type Constraints } from '../cluster/index.js';
import type { ComputeBackend } from '../engine/backend.js';
import { OnnxEngine } from '../engine/onnx.js';
import { fail } from '../errors.js';
import type { IpsOptions } from '../ips/index.js';
import { buildKnnRows, knnSimilarities, l2Normalize, withSimilarities, type HnswIndex, type KnnSearch } from '../knn/index.js';
import { GCN_SAME_PERSON } from '../model/gcn.js';
import type { Model } from '../model/model.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';
import { resolveLinkCut } from '../cluster/edge-filter.js';
import { checkModelWidth, scoreGcnLinks } from './links.js';

/** What both ways of linking new faces take. */
export interface SharedAssignOptions {
  normalized?: boolean;
  /** How the new faces' kNN rows are found (default auto: exact for small collections). */
  knnSearch?: KnnSearch;
  /** The old faces' HNSW index (knn --index-out): the new faces are added to it and searched there. */
  index?: HnswIndex;
  backend?: ComputeBackend;
  /** Cores to use: the engine's threads, and in Node the GCN's worker threads (default: all). */
  workers?: number;
  onProgress?: (stage: 'knn' | 'gcn', done: number, total: number) => void;
  /**
   * A user's answers over all the faces (see SharedClusterOptions.constraints): kept after the new
   * faces are placed, so a must-link may merge two existing clusters and a cannot-link split one.
   */
  constraints?: Constraints;
  /** Told when an old name of a setting was read, and when the 'auto' threshold could not be read (too few different faces). */
  onNotice?: (message: string) => void;
}

/** New faces linked by their kNN links at or above a cosine (the default, as `cluster`'s). */
export interface InfomapAssignOptions extends SharedAssignOptions {
  method?: 'infomap';
  /** The cosine a link needs, or 'auto' (the default): read off all the faces, as `cluster` does. */
  threshold?: number | 'auto';
  /** The descriptor model, for the 'auto' threshold (see InfomapMethodOptions.descriptors). */
  descriptors?: string;
}

/** New faces linked by GCN link scores, with the new faces as pivots. */
export interface GcnAssignOptions extends SharedAssignOptions {
  method: 'gcn';
  /** The model (default: the shipped one). */
  model?: Model;
  /** Subgraph settings (default: the model's inference settings, shrunk to fit the kNN graph). */
  ips?: IpsOptions;
  /** The GCN probability a link needs (default ASSIGN_DEFAULTS.minScore, the classifier's own boundary). */
  minScore?: number;
}

/** How new faces are linked, told apart by `method` (none: infomap, as `cluster`'s default). */
export type AssignOptions = InfomapAssignOptions | GcnAssignOptions;

export interface AssignResult {
  /** Labels of every face, old ones unchanged, new ones joined or new. */
  labels: Int32Array;
  /** The kNN graph of all faces: the old rows as given, then the new faces' rows. */
  knn: KnnGraph;
  /** The new faces' scored links. */
  edges: ScoredEdges;
  /** The cut the links were held to: a cosine (infomap), or a GCN probability (gcn: minScore). */
  threshold: number;
  /** How many new faces joined an existing cluster, and how many clusters they started. */
  joined: number;
  started: number;
}

export const ASSIGN_DEFAULTS = Object.freeze({
  minScore: GCN_SAME_PERSON,
  /** @deprecated 0.1's name of minScore. */
  gcnThreshold: GCN_SAME_PERSON,
});

/** The gcn method's cut under its 0.1 name, `threshold`, read as minScore with a notice. */
function withCurrentNames(options: AssignOptions): AssignOptions {
  const old = options as { threshold?: number | 'auto' };
  if (options.method !== 'gcn' || old.threshold === undefined) return options;
  options.onNotice?.("the gcn method's threshold is now called minScore");
  const { threshold, ...rest } = options as GcnAssignOptions & { threshold: number | 'auto' };
  return { ...rest, minScore: options.minScore ?? (threshold === 'auto' ? ASSIGN_DEFAULTS.minScore : threshold) };
}

/**
 * `all` holds the old faces first (`oldLabels.length` of them, with kNN graph `oldKnn`) and
 * then the new ones.
 */
export async function assignFaces(all: Features, oldLabels: Int32Array, oldKnn: KnnGraph, given: AssignOptions = {}): Promise<AssignResult> {
  const options = withCurrentNames(given);
  const old = oldLabels.length, n = all.n;
  if (oldKnn.n !== old) fail('SHAPE_MISMATCH', `the kNN graph has ${oldKnn.n} rows for ${old} labelled faces`);
  if (n === old) fail('BAD_VALUE', 'no new faces to assign');
  // the method's own options, and the GCN's model (checked before any work)
  const link = options.method === 'gcn' ? { gcn: options, model: options.model ?? defaultModel() } : { infomap: options };
  if (link.gcn) checkModelWidth(link.model, all.dim);
  const k = oldKnn.k;
  if (k > n - 1) fail('BAD_OPTION', `the kNN graph has K = ${k}, more than the ${n - 1} other faces`);
  const unit = options.normalized ? all : l2Normalize(all);

  const engine = options.backend ? undefined : new OnnxEngine(options.workers ? { threads: options.workers } : {});
  try {
    const rows = await buildKnnRows(unit, old, { k, normalized: true, ...options.knnSearch, ...(options.index ? { index: options.index } : {}),
      ...(engine ? { engine } : {}), onProgress: (d, t) => options.onProgress?.('knn', d, t) });
    const w = k + 1;
    const indices = new Int32Array(n * w);
    indices.set(oldKnn.indices.subarray(0, old * w));
    indices.set(rows.indices, old * w);
    const knn: KnnGraph = { n, k, indices };
    if (link.infomap) {
      const sims = new Float32Array(n * w);
      sims.set(oldKnn.sims ? oldKnn.sims.subarray(0, old * w)
        : knnSimilarities(oldKnn, { n: old, dim: unit.dim, data: unit.data.subarray(0, old * unit.dim) }));
      sims.set(rows.sims, old * w);
      knn.sims = sims;
      const { threshold } = resolveLinkCut(unit, knn, link.infomap.threshold ?? 'auto', link.infomap.descriptors, options.onNotice);
      // the new faces' rows: face, neighbour, cosine
      const edges = knnEdges({ n: n - old, k, indices: rows.indices, sims: rows.sims });
      for (let e = 0; e < edges.src.length; e++) edges.src[e]! += old;
      return { ...keep(joinOrStart(edges, oldLabels, n, threshold), knn, unit, options), knn, edges, threshold };
    }
    const { gcn, model } = link;
    const wanted = gcn.ips ?? model.config.ips;
    const ips = gcn.ips ?? { k1: Math.min(wanted.k1, k), k2: Math.min(wanted.k2, k), u: Math.min(wanted.u, k) };
    const pivots = Int32Array.from({ length: n - old }, (_, i) => old + i);
    const onProgress = (d: number, t: number) => options.onProgress?.('gcn', d, t);
    const edges = await scoreGcnLinks({ model, features: all, unit, knn, ips, pivots, onProgress, ...(options.backend ? { backend: options.backend } : {}),
      ...(options.workers ? { workers: options.workers } : {}), ...(engine ? { engine } : {}) });
    const threshold = gcn.minScore ?? ASSIGN_DEFAULTS.minScore;
    return { ...keep(joinOrStart(edges, oldLabels, n, threshold), knn, unit, options), knn, edges, threshold };
  } finally {
    await engine?.dispose();
  }
}

/** The assignment with the constraints kept: clusters split along the kNN similarities of all faces. */
function keep(assigned: { labels: Int32Array; joined: number; started: number }, knn: KnnGraph, unit: Features, options: AssignOptions) {
  if (constraintCount(options.constraints) === 0) return assigned;
  const withSims = withSimilarities(knn, unit);
  const { labels } = keepConstraints(assigned.labels, poolPairs(knnEdges(withSims), unit.n, 'avg'), options.constraints);
  return { ...assigned, labels };
}

/** The assignment rule of this module's comment, over the new faces' links. */
export function joinOrStart(edges: ScoredEdges, oldLabels: Int32Array, n: number, threshold: number): { labels: Int32Array; joined: number; started: number } {
  const old = oldLabels.length;
  const pairs = poolPairs(edges, n, 'avg');
  const groups = new UnionFind(n);
  // votes of each new face, as (cluster → total score) in a map per face: few links pass
  const votes = new Map<number, Map<number, number>>();
  const vote = (face: number, cluster: number, s: number) => {
    let m = votes.get(face);
    if (!m) { m = new Map(); votes.set(face, m); }
    m.set(cluster, (m.get(cluster) ?? 0) + s);
  };
  for (let e = 0; e < pairs.a.length; e++) {
    const a = pairs.a[e]!, b = pairs.b[e]!, s = pairs.score[e]!;
    if (!(s >= threshold)) continue;
    if (a < old && b < old) continue; // two old faces: their clusters stay as they are
    if (a < old) vote(b, oldLabels[a]!, s);
    else if (b < old) vote(a, oldLabels[b]!, s);
    else groups.union(a, b);
  }
  const groupVotes = new Map<number, Map<number, number>>();
  for (const [face, m] of votes) {
    const root = groups.find(face);
    let g = groupVotes.get(root);
    if (!g) { g = new Map(); groupVotes.set(root, g); }
    for (const [c, s] of m) g.set(c, (g.get(c) ?? 0) + s);
  }
  const labels = new Int32Array(n);
  labels.set(oldLabels);
  const firstNew = oldLabels.reduce((a, b) => Math.max(a, b), -1) + 1;
  let next = firstNew;
  const groupLabel = new Map<number, number>();
  let joined = 0;
  for (let v = old; v < n; v++) {
    const root = groups.find(v);
    let label = groupLabel.get(root);
    if (label === undefined) {
      let best = -1, bestVote = -Infinity;
      // ties go to the lower cluster id, so the result does not depend on map order
      for (const [c, s] of groupVotes.get(root) ?? []) if (s > bestVote || (s === bestVote && c < best)) [best, bestVote] = [c, s];
      label = best >= 0 ? best : next++;
      groupLabel.set(root, label);
    }
    labels[v] = label;
    if (label < firstNew) joined++;
  }
  return { labels, joined, started: next - firstNew };
}
