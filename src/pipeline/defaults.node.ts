/**
 * What the GCN uses in Node when the caller gives nothing (package.json maps `#defaults` here, a
 * browser build to defaults.browser.ts): the model shipped in the package, and link scoring in
 * worker threads, one per core.
 */
import { DEFAULT_MODEL_DIR } from '../assets.node.js';
import { loadModel } from '../model/files.node.js';
import type { Model } from '../model/model.js';
import { parallelScoreLinks } from '../model/score-parallel.node.js';
import type { LinkScorer } from './cluster.js';

export { DEFAULT_MODEL_DIR } from '../assets.node.js';

export function defaultModel(): Model {
  return loadModel(DEFAULT_MODEL_DIR);
}

/** onnxruntime in `workers` worker threads (default one per core). */
export function defaultLinkScorer(model: Model, workers?: number): LinkScorer | undefined {
  return (input, knn, ips, onProgress, pivots) =>
    parallelScoreLinks(model.params, input, knn, { ips, onProgress, ...(pivots ? { pivots } : {}), ...(workers ? { workers } : {}) });
}
