/**
 * The GCN's link stage, shared by clusterFaces and assignFaces: the model checked against the
 * features, its input chosen (unit rows or raw, as it was trained), and its link probabilities
 * scored by the caller's scorer, a given engine in this thread, or the platform's way
 * (`#defaults`: in Node, worker threads).
 */
import { defaultLinkScorer } from '#defaults';
import type { ComputeBackend } from '../engine/backend.js';
import { fail } from '../errors.js';
import { checkIpsOptions, type IpsOptions } from '../ips/index.js';
import type { Model } from '../model/model.js';
import { scoreLinks } from '../model/score.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';

/** Scores the GCN's links: the model's input, the kNN graph, the subgraph settings, progress, the pivots (default every face). */
export type LinkScorer = (input: Features, knn: KnnGraph, ips: IpsOptions, onProgress: (done: number, total: number) => void,
  pivots?: Int32Array) => Promise<ScoredEdges>;

/** A model for features `dim` wide, or an error naming both widths. */
export function checkModelWidth(model: Model, dim: number): void {
  if (model.config.architecture.dim !== dim) fail('SHAPE_MISMATCH', `the model takes ${model.config.architecture.dim}-d features, these are ${dim}-d`);
}

export interface LinkStage {
  model: Model;
  /** The faces as given, and as unit rows. */
  features: Features;
  unit: Features;
  knn: KnnGraph;
  ips: IpsOptions;
  /** The faces whose links are scored (default every one). */
  pivots?: Int32Array;
  /** Scores instead (worker threads, a queue of workers). */
  linkScorer?: LinkScorer;
  /** A given engine: scoring runs in this thread on it. */
  backend?: ComputeBackend;
  /** The engine to score on in this thread when the platform has no other way. */
  engine?: ComputeBackend;
  workers?: number;
  onProgress: (done: number, total: number) => void;
}

export async function scoreGcnLinks(s: LinkStage): Promise<ScoredEdges> {
  checkIpsOptions(s.ips, s.knn.k);
  const input = s.model.config.normalize === 'l2' ? s.unit : s.features;
  const linkScorer = s.linkScorer ?? (s.backend ? undefined : defaultLinkScorer(s.model, s.workers));
  if (linkScorer) return linkScorer(input, s.knn, s.ips, s.onProgress, s.pivots);
  const backend = s.backend ?? s.engine ?? fail('BAD_OPTION', 'no engine to score the links on');
  return scoreLinks(s.model.params, input, s.knn, { ips: s.ips, backend, onProgress: s.onProgress, ...(s.pivots ? { pivots: s.pivots } : {}) });
}
