/** facecluster's library API: every stage of the pipeline as functions over typed arrays. */
export type { Features, KnnGraph, ScoredEdges } from './types.js';
export { FaceclusterError, type ErrorCode } from './errors.js';
export { readFeatures, writeFeatures, readLabels, writeLabels, readKnn, writeKnn, readFaces, readNpyView, writeNpy } from './io/files.node.js';
export { decodeFeatures, decodeLabels, decodeKnn, encodeFeatures, encodeLabels, encodeKnn } from './io/codecs.js';
export { decodeNpy, encodeNpy, npyToFloat32, npyToFloat64, npyToInt32, type NpyView, type NpyDtype } from './io/npy.js';
export { buildKnn, l2Normalize, KNN_DEFAULTS, KNN_METHODS, HNSW_DEFAULTS, HNSW_CROSSOVER, knnMethodFor, knnRecall, loadHnswIndex, saveHnswIndex,
  type KnnOptions, type KnnMethod, type KnnSearch, type HnswOptions, type HnswIndex, type RecallResult } from './knn/index.js';
export { knnEdges, propagate, thresholdComponents, PROPAGATION_DEFAULTS, type PropagationOptions, type Pool } from './cluster/index.js';
export { infomap, mapEquation, INFOMAP_DEFAULTS, estimateLinkThreshold, recognizeDescriptors, LINK_THRESHOLD_DEFAULTS, DESCRIPTOR_PRIORS, earlyStopEdges,
  EARLY_STOP_DEFAULTS, type InfomapOptions, type InfomapResult, type EarlyStopOptions, type LinkThreshold,
  type LinkThresholdOptions } from './cluster/index.js';
export { evaluate, clusterMetrics, edgeMetrics, retrieval, newFaceScores, type Evaluation, type ClusterMetrics, type EdgeMetrics, type Retrieval,
  type NewFaceScores } from './metrics/index.js';
export { OnnxEngine, RUNTIME_KINDS, type EngineOptions, type RuntimeKind } from './engine/onnx.js';
export { nativeRuntimeInstalled } from './engine/runtime.node.js';
export { siteMounts, startSiteServer, type Mounts, type SiteServer } from './site/server.node.js';
export { syntheticFaces } from './synthetic/index.js';
export { groupFaces, type FaceEmbedding, type GroupOptions, type GroupSettings, type PersonOfFace } from './pipeline/group.js';
export { assignFaces, joinOrStart, ASSIGN_DEFAULTS, type AssignOptions, type SharedAssignOptions, type InfomapAssignOptions, type GcnAssignOptions,
  type AssignResult } from './pipeline/assign.js';
export { clusterFaces, METHODS, LINKAGES, EDGE_FILTERS, DEFAULT_METHOD, INFOMAP_METHOD_DEFAULTS, BASELINE_DEFAULTS, GCN_PROPAGATION_DEFAULTS, GCN_MIN_SCORES,
  DEFAULT_LINKAGE, type ClusterOptions, type MethodOptions, type SharedClusterOptions, type GcnScoringOptions, type InfomapSearchOptions,
  type InfomapMethodOptions, type GcnMethodOptions, type ThresholdMethodOptions, type CdpMethodOptions, type OnlineMethodOptions, usesGcn,
  type ClusterResult, type LinkScorer, type Method, type Linkage,
  type EdgeFilter } from './pipeline/cluster.js';
export { DEFAULT_MODEL_DIR } from './pipeline/defaults.node.js';
export { onlineGrouping, splitCannotLinks, keepConstraints, type OnlineOptions, type Constraints, type FacePair } from './cluster/index.js';
export { reviewQuestions, applyAnswers, parseQuestions, parseAnswers, REVIEW_DEFAULTS, type Question, type SameQuestion, type BelongsQuestion,
  type ReviewOptions, type Answer, type AppliedAnswers } from './review/index.js';
export { parseConstraints, formatConstraints, resolveConstraints, constraintsFile, mergeConstraints, type ConstraintsFile, type FaceRef, type FaceKey } from './io/constraints.js';
export { photoIds, parseFaces, type FaceRecord } from './io/faces.js';
export { decodeTorchCheckpoint } from './io/torch.js';
export { paramsFromTorch } from './model/import-torch.js';
export { exportOnnx } from './model/export-onnx.js';
export { buildKnnRows } from './knn/index.js';
export { IpsBuilder, IPS_TEST_DEFAULTS, IPS_TRAIN_DEFAULTS, type IpsOptions, type Subgraph } from './ips/index.js';
export { loadModel, saveModel } from './model/files.node.js';
export { decodeModel, fetchModel, type Model, type ModelConfig } from './model/model.js';
export { scoreLinks } from './model/score.js';
export { parallelScoreLinks } from './model/score-parallel.node.js';
export { JsBackend, type ComputeBackend } from './engine/backend.js';
export { trainGcn, TRAIN_DEFAULTS, type TrainSettings, type TrainState, type EpochLog } from './train/index.js';
export { embedPhotos, type Photo, type ParallelEmbedOptions } from './embed/parallel.node.js';
export { embedPhoto, type PhotoResult } from './embed/photo.node.js';
export { createFaceEmbedder, decodePhoto, type DecodeOptions } from './embed/embedder.node.js';
export { connectRedis, QUEUE_NAME } from './queue/connection.node.js';
export { runJobs, QUEUE_DEFAULTS, type QueueRunOptions } from './queue/coordinator.node.js';
export { startWorker, WORKER_DEFAULTS, type WorkerOptions } from './queue/worker.node.js';
export { prepareRun, queuedKnn, queuedScores, queuedEmbed, finishRun, DISTRIBUTED_DEFAULTS, OWNER_TIMING, type QueuedRun, type RunHandle } from './queue/distributed.node.js';
