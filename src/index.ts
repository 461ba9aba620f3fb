/** facecluster's library API: every stage of the pipeline as functions over typed arrays. */
export type { Features, KnnGraph, ScoredEdges } from './types.js';
export { FaceclusterError, type ErrorCode } from './errors.js';
export { readFeatures, writeFeatures, readLabels, writeLabels, readKnn, writeKnn } from './io/index.js';
export { buildKnn, l2Normalize, KNN_DEFAULTS, type KnnOptions } from './knn/index.js';
export { knnEdges, propagate, thresholdComponents, PROPAGATION_DEFAULTS, type PropagationOptions, type Pool } from './cluster/index.js';
export { evaluate, clusterMetrics, edgeMetrics, type Evaluation, type ClusterMetrics, type EdgeMetrics } from './metrics/index.js';
export { OnnxEngine } from './engine/onnx.js';
export { syntheticFaces } from './synthetic/index.js';
export { clusterFaces, METHODS, BASELINE_DEFAULTS, DEFAULT_MODEL_DIR, type ClusterOptions, type ClusterResult, type Method } from './pipeline/index.js';
export { onlineGrouping, type OnlineOptions } from './cluster/index.js';
export { IpsBuilder, IPS_TEST_DEFAULTS, IPS_TRAIN_DEFAULTS, type IpsOptions, type Subgraph } from './ips/index.js';
export { loadModel, saveModel, type Model, type ModelConfig } from './model/files.js';
export { scoreLinks } from './model/score.js';
export { parallelScoreLinks } from './model/score-parallel.js';
export { JsBackend, type ComputeBackend } from './engine/backend.js';
export { trainGcn, TRAIN_DEFAULTS, type TrainSettings, type TrainState, type EpochLog } from './train/index.js';
