/** facecluster's library API: every stage of the pipeline as functions over typed arrays. */
export type { Features, KnnGraph, ScoredEdges } from './types.js';
export { FaceclusterError, type ErrorCode } from './errors.js';
export { readFeatures, writeFeatures, readLabels, writeLabels, readKnn, writeKnn } from './io/index.js';
export { buildKnn, l2Normalize, KNN_DEFAULTS, type KnnOptions } from './knn/index.js';
export { knnEdges, propagate, thresholdComponents, PROPAGATION_DEFAULTS, type PropagationOptions, type Pool } from './cluster/index.js';
export { evaluate, clusterMetrics, edgeMetrics, type Evaluation, type ClusterMetrics, type EdgeMetrics } from './metrics/index.js';
export { OnnxEngine } from './engine/onnx.js';
export { syntheticFaces } from './synthetic/index.js';
