/**
 * What the GCN uses in Node when the caller gives nothing (package.json maps `#defaults` here, a
 * browser build to defaults.browser.ts): the model shipped in the package, and link scoring in
 * worker threads, one per core.
 */
import { fileURLToPath } from 'node:url';
import { loadModel } from '../model/files.node.js';
import type { Model } from '../model/model.js';
import { parallelScoreLinks } from '../model/score-parallel.node.js';
import type { LinkScorer } from './cluster.js';

/** The model shipped in the package (trained on lfw-train; see models/README.md). */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/lfw-128/', import.meta.url));

export function defaultModel(): Model {
  return loadModel(DEFAULT_MODEL_DIR);
}

/** onnxruntime in `workers` worker threads (default one per core). */
export function defaultLinkScorer(model: Model, workers?: number): LinkScorer | undefined {
  return (input, knn, ips, onProgress, pivots) =>
    parallelScoreLinks(model.params, input, knn, { ips, onProgress, ...(pivots ? { pivots } : {}), ...(workers ? { workers } : {}) });
}
