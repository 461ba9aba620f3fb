/**
 * facecluster in a browser (`facecluster/browser`): the pipeline from bytes to clusters with no
 * Node module. Features, labels and graphs come from bytes (a `File`'s arrayBuffer()), the
 * compute engine is onnxruntime-web's WebAssembly (set `ortEnv.wasm.wasmPaths` to where its .wasm
 * files are served), the kNN search is exact, and the GCN's model is fetched from a URL
 * (fetchModel) or decoded from bytes (decodeModel).
 */
export type { Features, KnnGraph, ScoredEdges } from './types.js';
export { FaceclusterError, type ErrorCode } from './errors.js';
export { decodeFeatures, decodeLabels, decodeKnn, encodeFeatures, encodeLabels, encodeKnn, validateKnn, type ReadFeaturesOptions } from './io/codecs.js';
export { decodeNpy, encodeNpy, npyToFloat32, npyToFloat64, npyToInt32, type NpyView, type NpyDtype } from './io/npy.js';
export { parseFaces, photoIds, type FaceRecord } from './io/faces.js';
export { parseConstraints, formatConstraints, resolveConstraints, constraintsFile, mergeConstraints, type ConstraintsFile, type FaceRef, type FaceKey } from './io/constraints.js';
export { reviewQuestions, applyAnswers, parseQuestions, parseAnswers, REVIEW_DEFAULTS, type Question, type SameQuestion, type BelongsQuestion,
  type ReviewOptions, type Answer, type AppliedAnswers } from './review/index.js';
export { buildKnn, l2Normalize, knnRecall, KNN_DEFAULTS, type KnnOptions } from './knn/index.js';
export { knnEdges, propagate, thresholdComponents, onlineGrouping, splitCannotLinks, infomap, mapEquation, estimateLinkThreshold, recognizeDescriptors,
  earlyStopEdges, keepConstraints, PROPAGATION_DEFAULTS, INFOMAP_DEFAULTS, EARLY_STOP_DEFAULTS, type PropagationOptions, type InfomapOptions,
  type EarlyStopOptions, type Constraints, type FacePair } from './cluster/index.js';
export { evaluate, clusterMetrics, edgeMetrics, type Evaluation, type ClusterMetrics, type EdgeMetrics } from './metrics/index.js';
export { clusterFaces, summarizeClustering, formatClusteringSummary, linkThresholdOrigin, type ClusteringSummary, METHODS, DEFAULT_METHOD,
  INFOMAP_METHOD_DEFAULTS, BASELINE_DEFAULTS, GCN_PROPAGATION_DEFAULTS, GCN_MIN_SCORES, DEFAULT_LINKAGE, usesGcn, type ClusterOptions,
  type MethodOptions, type SharedClusterOptions, type GcnScoringOptions, type InfomapSearchOptions, type InfomapMethodOptions,
  type GcnMethodOptions, type ThresholdMethodOptions, type CdpMethodOptions, type OnlineMethodOptions, type ClusterResult,
  type LinkScorer, type Method } from './pipeline/cluster.js';
export { decodeModel, fetchModel, type Model, type ModelConfig } from './model/model.js';
export { scoreLinks } from './model/score.js';
export { IpsBuilder, IPS_TEST_DEFAULTS, type IpsOptions } from './ips/index.js';
export { OnnxEngine, type EngineOptions } from './engine/onnx.js';
export { JsBackend, type ComputeBackend } from './engine/backend.js';
export { syntheticFaces } from './synthetic/index.js';
export { ortEnv } from './engine/runtime.browser.js';
export { FaceEmbedder, MODEL_NAME, type EmbeddedFace, type EmbedOptions } from './embed/embedder.js';
export { createBrowserFaceEmbedder, type BrowserEmbedderOptions } from './embed/embedder.browser.js';
export { describePhoto, type DescribedPhoto } from './embed/photo.js';
export { checkImageSize, DECODE_SIDE, IMAGE_EXTENSIONS, type DecodedImage, type DecodedPhoto } from './embed/image.js';
