/**
 * From face features to clusters in one call, for every method:
 * - infomap: kNN links above a threshold read off the collection (or FC-ES's early stop),
 *   clustered by Infomap; no training, any descriptor model;
 * - gcn: L-GCN link scores over Instance Pivot Subgraphs, clustered by the seed's propagation
 *   or Infomap;
 * - threshold: connected components of kNN links at a cosine threshold;
 * - cdp: the seed's propagation over kNN similarities;
 * - online: the grouping photo servers use (see cluster/online.ts).
 * It runs anywhere, a browser included; what the GCN uses when the caller gives no model or
 * scorer is the platform's (`#defaults`: in Node the shipped model and worker threads).
 */
import { addConfidentLinks, constraintCount, keepConstraints, edgesAbove, infomap, knnEdges, onlineGrouping, poolPairs,
  propagate, thresholdComponents, PROPAGATION_DEFAULTS, type Constraints, type EarlyStopOptions, type LinkThreshold, type Pool,
  type PropagationOptions } from '../cluster/index.js';
import { filterEdges, resolveLinkCut, type EdgeFilter } from '../cluster/edge-filter.js';
import type { ComputeBackend } from '../engine/backend.js';
import { OnnxEngine } from '../engine/onnx.js';
import { fail } from '../errors.js';
import { checkEnoughFaces, type IpsOptions } from '../ips/index.js';
import { buildKnn, checkUnitRows, l2Normalize, withSimilarities, type KnnSearch } from '../knn/index.js';
import { defaultModel } from '#defaults';
import { GCN_SAME_PERSON } from '../model/gcn.js';
import type { Model } from '../model/model.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';
import { checkModelWidth, scoreGcnLinks, type LinkScorer } from './links.js';

export type Method = 'infomap' | 'gcn' | 'threshold' | 'cdp' | 'online';
export const METHODS: readonly Method[] = Object.freeze(['infomap', 'gcn', 'threshold', 'cdp', 'online']);
export type Linkage = 'infomap' | 'propagation';
export const LINKAGES: readonly Linkage[] = Object.freeze(['infomap', 'propagation']);
export { EDGE_FILTERS, type EdgeFilter } from '../cluster/edge-filter.js';

/**
 * The unsupervised method's settings (chosen on collections of training identities and synthetic
 * faces, `npm run bench:library`): 80 neighbours a face; links at or above a cosine threshold
 * read off the collection ('auto': where a face expects few links to other people, see
 * estimateLinkThreshold); Infomap, 3 trials.
 */
export const INFOMAP_METHOD_DEFAULTS = Object.freeze({ k: 80, edgeFilter: 'cut' as EdgeFilter, threshold: 'auto' as number | 'auto', trials: 3 });

/**
 * Defaults of the baselines, tuned on lfw-train (README): cosine threshold 0.955 at K = 80;
 * online grouping at distance 0.0525 with 2 faces to found a person. Both depend on the
 * feature model; tune them for other models.
 */
export const BASELINE_DEFAULTS = Object.freeze({
  k: 80, threshold: 0.955, maxDistance: 0.0525, minMatches: 2,
  /** @deprecated 0.1's name of minMatches. */
  minFaces: 2,
});

/**
 * The propagation after the GCN: the seed's, except that links the GCN scores below 0.5 (its
 * own "not the same person") are dropped first. The seed joins every scored link before it
 * splits components over max size, so any collection under 900 faces comes out as one
 * cluster. Chosen on held-out lfw-train identities (models/README.md): min score 0 / 0.3 /
 * 0.5 / 0.7 gave B-Cubed F 0.02 / 0.86 / 0.90 / 0.85 on 300 held-out photos and 0.01 / 0.86 /
 * 0.85 / 0.82 on 754 held-out crops. `minScore: 0` restores the seed's behaviour.
 */
export const GCN_PROPAGATION_DEFAULTS: Readonly<PropagationOptions> = Object.freeze({ ...PROPAGATION_DEFAULTS, minScore: GCN_SAME_PERSON });

/**
 * The GCN probability a link needs, for each use of the scores, chosen by 5-fold validation over
 * lfw-train identities (models/README.md): the propagation's (above), Infomap's over the GCN's
 * links, and the links re-scoring adds to the default's.
 */
export const GCN_MIN_SCORES = Object.freeze({ propagation: GCN_PROPAGATION_DEFAULTS.minScore!, infomap: 0.7, rescore: 0.95 });

/** How the gcn method's links become clusters when no linkage is asked for (models/README.md). */
export const DEFAULT_LINKAGE: Linkage = 'propagation';

export type { LinkScorer } from './links.js';

/** What every method takes: the kNN graph (given, or how to build it), the engine, progress, the photos and a user's answers. */
export interface SharedClusterOptions {
  /** A ready kNN graph; built when not given. */
  knn?: KnnGraph;
  /** How the kNN graph is built when not given: exact, HNSW or auto (the default), HNSW settings, where to save its index. */
  knnSearch?: KnnSearch;
  /** Builds the kNN graph instead (a queue of workers, say): the unit rows, K. */
  knnProvider?: (unit: Features, k: number) => Promise<KnnGraph>;
  /** Rows are unit vectors already. */
  normalized?: boolean;
  /** Where the features came from, for error messages (a file name). */
  source?: string;
  /** Engine for the kNN search and the GCN's products (default: onnxruntime; in Node the GCN runs in `workers` worker threads). */
  backend?: ComputeBackend;
  /** Cores to use: the engine's threads (kNN search), and in Node the GCN's worker threads (default: all). */
  workers?: number;
  /** Progress of the long stages: kNN rows, GCN subgraphs, Infomap trials. */
  onProgress?: (stage: 'knn' | 'gcn' | 'infomap', done: number, total: number) => void;
  /**
   * The photo of each face (faces of one photo share a number, −1 unknown; see photoIds): two
   * faces of one photo never end in one cluster.
   */
  photos?: Int32Array;
  /**
   * A user's answers (see cluster/constraints.ts): faces must-linked end in one cluster,
   * faces cannot-linked in different ones, whatever the method.
   */
  constraints?: Constraints;
  /** Told when settings had to shrink to fit a small set of faces, and when an old name of a setting was read. */
  onNotice?: (message: string) => void;
}

/** How the GCN scores links (the gcn method, and the infomap method's re-scoring). */
export interface GcnScoringOptions {
  /** The model (in Node, the shipped one when not given). */
  model?: Model;
  /** Subgraph settings; the model's inference defaults (paper: 80, 5, 5) when not given. */
  ips?: IpsOptions;
  /** Scores the links instead (worker threads, a queue of workers). */
  linkScorer?: LinkScorer;
}

/** Infomap's search: trials from different random orders, the shortest code kept. */
export interface InfomapSearchOptions {
  /** Default 3. */
  trials?: number;
  /** The first trial's seed (default 1). */
  seed?: number;
}

/** The default: kNN links at or above a cosine cut (or FC-ES's early stop), grouped by Infomap. */
export interface InfomapMethodOptions extends SharedClusterOptions, GcnScoringOptions, InfomapSearchOptions {
  method?: 'infomap';
  /** Neighbours a face (default 80). */
  k?: number;
  /** Which kNN links are kept: 'cut' (the default), those at or above `threshold`; or FC-ES's early stop. */
  edgeFilter?: EdgeFilter;
  /** The early-stop filter's settings (FC-ES). */
  earlyStop?: EarlyStopOptions;
  /** The cosine a link needs, 0 to 1 (its weight in Infomap), or 'auto' (the default): read off the collection. */
  threshold?: number | 'auto';
  /**
   * The descriptor model ('face-api', as embed writes it into faces.json), whose impostor
   * similarities measured on training identities back the 'auto' threshold; recognised from the
   * descriptors when not given; 'unknown' reads everything off the collection.
   */
  descriptors?: string;
  /**
   * A second opinion on the kNN links from the GCN (`model`), as FC-ESER re-scores FC-ES's links
   * with a supervised model: the links it scores at `minScore` or more are kept too, under the
   * threshold (see cluster/rescore.ts).
   */
  rescore?: boolean;
  /** Re-scoring: the GCN probability a link needs to be added (default GCN_MIN_SCORES.rescore). */
  minScore?: number;
}

/** L-GCN: link probabilities over Instance Pivot Subgraphs, grouped by the seed's propagation or by Infomap. */
export interface GcnMethodOptions extends SharedClusterOptions, GcnScoringOptions, InfomapSearchOptions {
  method: 'gcn';
  /** How the scored links become clusters (default DEFAULT_LINKAGE). */
  linkage?: Linkage;
  /** The GCN probability a link needs, for either linkage (default GCN_MIN_SCORES for the linkage). */
  minScore?: number;
  /** The propagation's settings (default GCN_PROPAGATION_DEFAULTS; its link cut is `minScore`). */
  propagation?: Partial<Omit<PropagationOptions, 'minScore'>>;
}

/** Connected components of the kNN links at or above a cosine. */
export interface ThresholdMethodOptions extends SharedClusterOptions {
  method: 'threshold';
  /** Neighbours a face (default 80). */
  k?: number;
  /** The cosine a link needs, −1 to 1, or 'auto' as the infomap method reads it (default BASELINE_DEFAULTS.threshold). */
  threshold?: number | 'auto';
  /** The descriptor model behind 'auto' (see InfomapMethodOptions.descriptors). */
  descriptors?: string;
}

/** The seed's propagation over the kNN similarities (CDP's). */
export interface CdpMethodOptions extends SharedClusterOptions {
  method: 'cdp';
  /** Neighbours a face (default 80). */
  k?: number;
  /** The seed's: max size 900, step 0.6, avg; `minScore` drops links under a cosine first. */
  propagation?: Partial<PropagationOptions>;
}

/** The grouping photo servers use (see cluster/online.ts). */
export interface OnlineMethodOptions extends SharedClusterOptions {
  method: 'online';
  /** Neighbours a face (default 80): the matches it can see. */
  k?: number;
  /** Cosine distance within which faces match (default BASELINE_DEFAULTS.maxDistance). */
  maxDistance?: number;
  /** Matches (the face included) a face needs to found a person (default BASELINE_DEFAULTS.minMatches). */
  minMatches?: number;
}

/** Each method's options. */
export interface MethodOptions {
  infomap: InfomapMethodOptions;
  gcn: GcnMethodOptions;
  threshold: ThresholdMethodOptions;
  cdp: CdpMethodOptions;
  online: OnlineMethodOptions;
}

/** The options of one method, told apart by `method` (none: the default, infomap). */
export type ClusterOptions = MethodOptions[Method];

export interface ClusterResult {
  labels: Int32Array;
  knn: KnnGraph;
  /** gcn: the scored links (pivot, hop-1 neighbour, probability); infomap: the links kept (face, neighbour, cosine or nep). */
  edges?: ScoredEdges;
  /** infomap: the link threshold used (read off the collection when 'auto'). */
  threshold?: number;
  /** How the 'auto' threshold was read. */
  linkThreshold?: LinkThreshold;
  ips?: IpsOptions;
}

/** Whether the options run the GCN, and so need a model of their descriptors: the gcn method, or the infomap method's re-scoring. */
export function usesGcn(options: ClusterOptions): boolean {
  return options.method === 'gcn' || ((options.method === undefined || options.method === 'infomap') && options.rescore === true);
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

/**
 * The method used when none is asked for: Infomap over the automatically thresholded kNN graph
 * scored best on every validation collection, the shipped GCN's own descriptors included, and
 * needs no model of the descriptors (models/README.md has the measurements).
 */
export const DEFAULT_METHOD: Method = 'infomap';

/** Neighbours for the kNN-based methods (`asked`, else the given graph's, else the method's), shrunk to fit small collections unless asked for. */
function fitK(asked: number | undefined, options: SharedClusterOptions, n: number, fallback: number): number {
  const k = asked ?? options.knn?.k ?? fallback;
  if (k <= n - 1) return k;
  if (asked !== undefined) fail('BAD_OPTION', `k = ${k} is larger than N − 1 = ${n - 1} (there are only ${n} faces)`);
  options.onNotice?.(`only ${n} faces: k shrinks to ${n - 1}`);
  return n - 1;
}

/**
 * Settings under the names they had in 0.1 (read, with a notice, for callers written against
 * them): the edge filter 'threshold' is 'cut'; the gcn method's propagation.minScore is its
 * minScore; the online method's minFaces is minMatches.
 */
function withCurrentNames(options: ClusterOptions): ClusterOptions {
  const old = options as { edgeFilter?: string; minFaces?: number; propagation?: { minScore?: number } };
  const renamed = (from: string, to: string) => options.onNotice?.(`${from} is now called ${to}`);
  if ((options.method === undefined || options.method === 'infomap') && old.edgeFilter === 'threshold') {
    renamed("the edge filter 'threshold'", "'cut'");
    return { ...options, edgeFilter: 'cut' };
  }
  if (options.method === 'gcn' && old.propagation?.minScore !== undefined) {
    renamed("the gcn method's propagation.minScore", 'minScore');
    const { minScore, ...propagation } = old.propagation;
    return { ...options, propagation, minScore: options.minScore ?? minScore };
  }
  if (options.method === 'online' && old.minFaces !== undefined) {
    renamed("the online method's minFaces", 'minMatches');
    const { minFaces, ...rest } = options as OnlineMethodOptions & { minFaces: number };
    return { ...rest, minMatches: options.minMatches ?? minFaces };
  }
  return options;
}

/** A cosine threshold as asked: 'auto', or a number in range (weights of Infomap's links may not be negative). */
function checkThreshold(threshold: number | 'auto' | undefined, lowest: number): void {
  if (threshold === undefined || threshold === 'auto') return;
  if (!(typeof threshold === 'number' && threshold >= lowest && threshold <= 1)) fail('BAD_OPTION', `threshold must be 'auto' or a cosine from ${lowest} to 1, not ${threshold}`);
}

/** Where a link threshold came from, in a few words: "given", "face-api descriptors, 6929 different faces", … */
export function linkThresholdOrigin(how?: LinkThreshold): string {
  if (!how) return 'given';
  if (how.how === 'prior') return `${how.descriptors} descriptors, ${how.distinct} different faces`;
  if (how.how === 'collection') return `read off ${how.distinct} different faces`;
  return `${how.how}: only identical faces linked`;
}

/** What a clustering found, for a one-line summary (the CLI's stderr and --json, the page). */
export interface ClusteringSummary {
  faces: number;
  /** Clusters of two faces or more. */
  people: number;
  /** Faces alone in their cluster. */
  alone: number;
  /** The link threshold, and where it came from ('given' or how it was read). */
  threshold?: number;
  thresholdFrom?: string;
  seconds: number;
}

export function summarizeClustering(result: ClusterResult, seconds: number): ClusteringSummary {
  const sizes = new Map<number, number>();
  for (const l of result.labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  let people = 0, alone = 0;
  for (const size of sizes.values()) if (size > 1) people++; else alone++;
  return { faces: result.labels.length, people, alone, ...(result.threshold !== undefined ? { threshold: result.threshold,
    thresholdFrom: linkThresholdOrigin(result.linkThreshold) } : {}), seconds };
}

/** "6929 faces: 639 people with two faces or more, 2310 faces alone; link cut 0.947 (face-api descriptors, 6929 different faces); 1.1 s" */
export function formatClusteringSummary(s: ClusteringSummary): string {
  const cut = s.threshold !== undefined ? `; link cut ${s.threshold.toFixed(3)} (${s.thresholdFrom})` : '';
  return `${s.faces} faces: ${s.people} ${s.people === 1 ? 'person' : 'people'} with two faces or more, ${s.alone} ${s.alone === 1 ? 'face' : 'faces'} alone${cut}; ${s.seconds.toFixed(1)} s`;
}

export async function clusterFaces(features: Features, given: ClusterOptions = {}): Promise<ClusterResult> {
  const method = given.method ?? DEFAULT_METHOD;
  if (!METHODS.includes(method)) fail('BAD_OPTION', `method must be one of ${METHODS.join(', ')}, not ${String(method)}`);
  const options = withCurrentNames(given);
  if (options.method === undefined || options.method === 'infomap') checkThreshold(options.threshold, 0);
  if (options.method === 'threshold') checkThreshold(options.threshold, -1);
  const n = features.n;
  if (n === 1) return { labels: Int32Array.of(0), knn: { n: 1, k: 0, indices: Int32Array.of(0), sims: Float32Array.of(1) } };
  const unit = options.normalized ? checkUnitRows(features, options.source) : l2Normalize(features, options.source);
  const ownEngine = options.backend ? undefined : new OnnxEngine(options.workers ? { threads: options.workers } : {});
  // each stage reports 0 done when it starts, so that its time and rate count from there
  const makeKnn = (k: number) => {
    options.onProgress?.('knn', 0, n);
    if (options.knnProvider) return options.knnProvider(unit, k);
    return buildKnn(unit, { k, normalized: true, ...options.knnSearch, ...(ownEngine ? { engine: ownEngine } : {}), onProgress: (d,
      t) => options.onProgress?.('knn', d, t) });
  };
  const runInfomap = (edges: ScoredEdges, search: InfomapSearchOptions) => {
    const trials = search.trials ?? INFOMAP_METHOD_DEFAULTS.trials;
    options.onProgress?.('infomap', 0, trials);
    return infomap(n, edges.src, edges.dst, edges.score, { trials, ...(search.seed !== undefined ? { seed: search.seed } : {}),
      onTrial: (t: number) => options.onProgress?.('infomap', t + 1, trials) }).labels;
  };
  // the GCN's link probabilities over the kNN graph (built at the model's k1 when not given)
  const scoreWithModel = async (scoring: GcnScoringOptions, knnGiven?: KnnGraph) => {
    const model = scoring.model ?? defaultModel();
    checkModelWidth(model, features.dim);
    const ips = fitIps(scoring.ips ?? model.config.ips, n, scoring.ips !== undefined, options.onNotice, options.source);
    const knn = knnGiven ?? options.knn ?? await makeKnn(ips.k1);
    const onProgress = (d: number, t: number) => options.onProgress?.('gcn', d, t);
    onProgress(0, n);
    const edges = await scoreGcnLinks({
      model, features, unit, knn, ips, onProgress, ...(scoring.linkScorer ? { linkScorer: scoring.linkScorer } : {}),
      ...(options.backend ? { backend: options.backend } : {}), ...(options.workers ? { workers: options.workers } : {}),
      ...(ownEngine ? { engine: ownEngine } : {}),
    });
    return { edges, knn, ips };
  };
  // the kNN graph at the method's K (shrunk to fit a small collection), with its similarities
  const knnWithSims = async (askedK: number | undefined, fallbackK: number) => {
    const k = fitK(askedK, options, n, fallbackK);
    const knn = options.knn ?? await makeKnn(k);
    return withSimilarities(knn, unit);
  };
  try {
    return await runMethod(method, { n, unit, options, knnWithSims, scoreWithModel, runInfomap });
  } finally {
    await ownEngine?.dispose();
  }
}

/** What a method's run is given: the faces, its options, and the stages it may use. */
interface MethodRun<O extends SharedClusterOptions = SharedClusterOptions> {
  n: number;
  unit: Features;
  options: O;
  knnWithSims(askedK: number | undefined, fallbackK: number): Promise<KnnGraph>;
  scoreWithModel(scoring: GcnScoringOptions, knn?: KnnGraph): Promise<{ edges: ScoredEdges; knn: KnnGraph; ips: IpsOptions }>;
  runInfomap(edges: ScoredEdges, search: InfomapSearchOptions): Int32Array;
}

/** Each method, from the faces to the clustering, with its own options. */
const METHOD_RUNNERS: { readonly [M in Method]: (run: MethodRun<MethodOptions[M]>) => Promise<ClusterResult> } = Object.freeze({
  async gcn({ n, options, scoreWithModel, runInfomap }) {
    const { edges, knn, ips } = await scoreWithModel(options);
    const propagation = { ...GCN_PROPAGATION_DEFAULTS, ...options.propagation };
    // Infomap over the links the GCN believes, weighted by its probability; or the seed's propagation
    const labels = (options.linkage ?? DEFAULT_LINKAGE) === 'infomap'
      ? runInfomap(edgesAbove(edges, options.minScore ?? GCN_MIN_SCORES.infomap), options)
      : propagate(edges, n, { ...propagation, minScore: options.minScore ?? GCN_MIN_SCORES.propagation });
    return { labels: respectConstraints(labels, edges, n, propagation.pool, options), knn, edges, ips };
  },
  async infomap({ n, unit, options, knnWithSims, scoreWithModel, runInfomap }) {
    const knn = await knnWithSims(options.k, INFOMAP_METHOD_DEFAULTS.k);
    const { threshold, linkThreshold, ...filtered } = filterEdges(unit, knn, {
      edgeFilter: options.edgeFilter ?? INFOMAP_METHOD_DEFAULTS.edgeFilter, threshold: options.threshold ?? INFOMAP_METHOD_DEFAULTS.threshold,
      ...(options.descriptors !== undefined ? { descriptors: options.descriptors } : {}), ...(options.earlyStop ? { earlyStop: options.earlyStop } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    });
    let kept = filtered.kept;
    if (options.rescore) {
      const { edges } = await scoreWithModel(options, knn);
      kept = addConfidentLinks(kept, edges, knn, options.minScore ?? GCN_MIN_SCORES.rescore);
    }
    const labels = runInfomap(kept, options);
    return { labels: respectConstraints(labels, kept, n, PROPAGATION_DEFAULTS.pool, options), knn, edges: kept,
      ...(threshold !== undefined ? { threshold } : {}), ...(linkThreshold ? { linkThreshold } : {}) };
  },
  threshold: (run) => baseline(run, (knn, edges) => thresholdComponents(edges, run.n, resolveLinkCut(run.unit, knn,
    run.options.threshold ?? BASELINE_DEFAULTS.threshold, run.options.descriptors, run.options.onNotice).threshold)),
  cdp: (run) => baseline(run, (_knn, edges) => propagate(edges, run.n, { ...PROPAGATION_DEFAULTS, ...run.options.propagation }),
    run.options.propagation?.pool),
  online: (run) => baseline(run, (knn) => onlineGrouping(knn, { maxDistance: run.options.maxDistance ?? BASELINE_DEFAULTS.maxDistance,
    minMatches: run.options.minMatches ?? BASELINE_DEFAULTS.minMatches })),
});

/** The method's runner with its own options (`run.options` are that method's: `method` was read from them). */
function runMethod<M extends Method>(method: M, run: MethodRun<MethodOptions[M]>): Promise<ClusterResult> {
  return METHOD_RUNNERS[method](run);
}

/** A baseline: its labels from the kNN graph and its links; the kNN similarities are the links a cluster is split along. */
async function baseline(run: MethodRun<SharedClusterOptions & { k?: number }>, labelsOf: (knn: KnnGraph, edges: ScoredEdges) => Int32Array,
  pool: Pool = PROPAGATION_DEFAULTS.pool): Promise<ClusterResult> {
  const knn = await run.knnWithSims(run.options.k, BASELINE_DEFAULTS.k);
  const edges = knnEdges(knn);
  return { labels: respectConstraints(labelsOf(knn, edges), edges, run.n, pool, run.options), knn };
}

/** Merges clusters for must-links and splits them for cannot-links and shared photos (see keepConstraints), with notices. */
function respectConstraints(labels: Int32Array, edges: ScoredEdges, n: number, pool: Pool, options: SharedClusterOptions): Int32Array {
  if (!options.photos && constraintCount(options.constraints) === 0) return labels;
  const r = keepConstraints(labels, poolPairs(edges, n, pool), options.constraints, options.photos);
  if (r.merged > 0) options.onNotice?.(`faces marked as one person were apart: ${r.merged} fewer clusters`);
  if (r.split > 0) options.onNotice?.(`faces that must be apart were together: ${r.split} more clusters`);
  return r.labels;
}
