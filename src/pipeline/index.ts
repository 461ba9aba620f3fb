/**
 * clusterFaces in Node: cluster.ts's pipeline with Node's defaults for the GCN (method gcn, or
 * re-scoring), the model shipped in the package and link scoring in worker threads (one per core).
 */
import { fileURLToPath } from 'node:url';
import { loadModel } from '../model/files.js';
import { parallelScoreLinks } from '../model/score-parallel.js';
import type { Features } from '../types.js';
import { clusterFaces as clusterFacesAnywhere, DEFAULT_METHOD, type ClusterOptions, type ClusterResult, type LinkScorer } from './cluster.js';

export { summarizeClustering, formatClusteringSummary, linkThresholdOrigin, type ClusteringSummary, METHODS, LINKAGES, EDGE_FILTERS, DEFAULT_METHOD,
  INFOMAP_METHOD_DEFAULTS, BASELINE_DEFAULTS, GCN_PROPAGATION_DEFAULTS, GCN_MIN_SCORES, DEFAULT_LINKAGE, type ClusterOptions, type ClusterResult,
  type LinkScorer, type Method, type Linkage, type EdgeFilter } from './cluster.js';

/** The model shipped in the package (trained on lfw-train; see models/README.md). */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/lfw-128/', import.meta.url));

export async function clusterFaces(features: Features, options: ClusterOptions = {}): Promise<ClusterResult> {
  if ((options.method ?? DEFAULT_METHOD) !== 'gcn' && !options.rescore) return clusterFacesAnywhere(features, options);
  const model = options.model ?? loadModel(DEFAULT_MODEL_DIR);
  // a given engine scores in this thread; otherwise onnxruntime in worker threads
  const inWorkers: LinkScorer = (input, knn, ips, onProgress) =>
    parallelScoreLinks(model.params, input, knn, { ips, onProgress, ...(options.workers ? { workers: options.workers } : {}) });
  const linkScorer = options.linkScorer ?? (options.backend ? undefined : inWorkers);
  return clusterFacesAnywhere(features, { ...options, model, ...(linkScorer ? { linkScorer } : {}) });
}
