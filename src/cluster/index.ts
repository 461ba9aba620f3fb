export { propagate, relabelByFirstMember, PROPAGATION_DEFAULTS, type PropagationOptions } from './propagation.js';
export { poolPairs, type Pool, type PairScores } from './pairs.js';
export { thresholdComponents } from './threshold.js';
export { knnEdges } from './knn-edges.js';
export { UnionFind } from './union-find.js';
export { onlineGrouping, type OnlineOptions } from './online.js';
export { splitCannotLinks } from './cannot-link.js';
