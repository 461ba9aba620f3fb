export { propagate, PROPAGATION_DEFAULTS, type PropagationOptions } from './propagation.js';
export { relabelByFirstMember } from '../labels.js';
export { poolPairs, type Pool, type PairScores } from './pairs.js';
export { thresholdComponents } from './threshold.js';
export { knnEdges, edgesAbove } from './knn-edges.js';
export { addConfidentLinks } from './rescore.js';
export { UnionFind } from './union-find.js';
export { onlineGrouping, type OnlineOptions } from './online.js';
export { splitCannotLinks } from './cannot-link.js';
export { infomap, mapEquation, INFOMAP_DEFAULTS, type InfomapOptions, type InfomapResult } from './infomap.js';
export { earlyStopEdges, neighbourProbabilities, EARLY_STOP_DEFAULTS, type EarlyStopOptions } from './early-stop.js';
export { estimateLinkThreshold, recognizeDescriptors, descriptorPrior, normalQuantile, DESCRIPTOR_PRIORS, LINK_THRESHOLD_DEFAULTS, DUPLICATE_COSINE,
  MIN_DISTINCT_FACES, type LinkThreshold, type LinkThresholdOptions, type ImpostorModel } from './link-threshold.js';
export { keepConstraints, mustLinkGroups, constraintCount, type Constraints, type FacePair } from './constraints.js';
