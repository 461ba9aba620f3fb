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

/**
 * A link cut as asked: a cosine as given, or 'auto': read off the collection, with how it was
 * read (and a notice where too few different faces left only identical ones linked).
 */
export function resolveLinkCut(unit: Features, knn: KnnGraph, threshold: number | 'auto', descriptors: string | undefined,
  notice?: (message: string) => void): { threshold: number; linkThreshold?: LinkThreshold } {
  if (threshold !== 'auto') return { threshold };
  const linkThreshold = estimateLinkThreshold(unit, knn, descriptors !== undefined ? { descriptors } : {});
  if (linkThreshold.how === 'too few faces') {
    notice?.(`only ${linkThreshold.distinct} different faces and no known descriptor model: only identical faces are linked; a threshold sets a cut`);
  }
  return { threshold: linkThreshold.threshold, linkThreshold };
}

/** The links kept (face, neighbour, cosine or early-stop probability), and the cut where there was one. */
export function filterEdges(unit: Features, knn: KnnGraph, o: EdgeFilterOptions): { kept: ScoredEdges; threshold?: number; linkThreshold?: LinkThreshold } {
  if (o.edgeFilter === 'early-stop') return { kept: earlyStopEdges(knn, o.earlyStop) };
  const cut = resolveLinkCut(unit, knn, o.threshold, o.descriptors, o.onNotice);
  return { kept: knnEdges(knn, cut.threshold), ...cut };
}
