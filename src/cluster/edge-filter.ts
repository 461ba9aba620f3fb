/**
 * Which kNN links the default method keeps before Infomap groups the faces: those at or above a
 * cosine cut (given, or read off the collection: link-threshold.ts), or FC-ES's early stop.
 */
import type { Features, KnnGraph, ScoredEdges } from '../types.js';
import { earlyStopEdges, type EarlyStopOptions } from './early-stop.js';
import { knnEdges } from './knn-edges.js';
import { estimateLinkThreshold, type LinkThreshold } from './link-threshold.js';

export type EdgeFilter = 'cut' | 'early-stop';
export const EDGE_FILTERS: readonly EdgeFilter[] = Object.freeze(['cut', 'early-stop']);

export interface EdgeFilterOptions {
  edgeFilter: EdgeFilter;
  /** cut: a cosine, or 'auto' (read off the collection). */
  threshold: number | 'auto';
  /** The descriptor model behind 'auto' (see estimateLinkThreshold). */
  descriptors?: string;
  earlyStop?: EarlyStopOptions;
  onNotice?: (message: string) => void;
}

/** The 'auto' link threshold of a collection, with a notice where it could not be read. */
export function readLinkThreshold(unit: Features, knn: KnnGraph, descriptors: string | undefined, notice?: (message: string) => void): LinkThreshold {
  const cut = estimateLinkThreshold(unit, knn, descriptors !== undefined ? { descriptors } : {});
  if (cut.how === 'too few faces') notice?.(`only ${cut.distinct} different faces and no known descriptor model: only identical faces are linked; a threshold sets a cut`);
  return cut;
}

/** The links kept (face, neighbour, cosine or early-stop probability), and the cut where there was one. */
export function filterEdges(unit: Features, knn: KnnGraph, o: EdgeFilterOptions): { kept: ScoredEdges; threshold?: number; linkThreshold?: LinkThreshold } {
  if (o.edgeFilter === 'early-stop') return { kept: earlyStopEdges(knn, o.earlyStop) };
  const linkThreshold = o.threshold === 'auto' ? readLinkThreshold(unit, knn, o.descriptors, o.onNotice) : undefined;
  const threshold = linkThreshold ? linkThreshold.threshold : Number(o.threshold);
  return { kept: knnEdges(knn, threshold), threshold, ...(linkThreshold ? { linkThreshold } : {}) };
}
