/**
 * Link scores for every pivot: the GCN's probability that each hop-1 neighbour shares the
 * pivot's identity. N·k1 edges (pivot, neighbour, score), pivots in order, neighbours in kNN
 * order. Subgraphs are stacked into batches of about `batchRows` nodes so that every product is
 * large.
 */
import type { ComputeBackend } from '../engine/backend.js';
import { IpsBuilder, type IpsOptions, type Subgraph } from '../ips/index.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';
import { makeBatch } from './batch.js';
import { precomputeFirstLayer, type FirstLayerTable } from './first-layer.js';
import { gcnForward, linkProbabilities, Scratch } from './gcn.js';
import type { Params } from './params.js';

export interface ScoreOptions {
  ips: IpsOptions;
  backend: ComputeBackend;
  /** Pivots to score (default: every face), e.g. only the new faces of a collection. */
  pivots?: Int32Array;
  /** Nodes per stacked batch (default 8192). */
  batchRows?: number;
  /**
   * The first layer precomputed over all faces (see first-layer.ts), `true` to compute it here,
   * `false` to run the first layer per subgraph. Default: computed when usesFirstLayerTable (a
   * few new faces should not pay for the whole table).
   */
  firstLayer?: FirstLayerTable | boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Whether scoring `pivots` of `faces` faces precomputes the first layer: when they are at least an eighth of them. */
export function usesFirstLayerTable(pivots: number, faces: number): boolean {
  return pivots * 8 >= faces;
}

export async function scoreLinks(params: Params, features: Features, knn: KnnGraph, options: ScoreOptions): Promise<ScoredEdges> {
  const { ips, backend } = options;
  const batchRows = options.batchRows ?? 8192;
  const builder = new IpsBuilder(knn, ips);
  const pivots = options.pivots ?? Int32Array.from({ length: features.n }, (_, i) => i);
  const n = pivots.length;
  const given = options.firstLayer ?? usesFirstLayerTable(n, features.n);
  const firstLayer = given === true ? await precomputeFirstLayer(params, features, backend) : given;
  const m = n * ips.k1;
  const src = new Int32Array(m), dst = new Int32Array(m), score = new Float64Array(m);
  const scratch = new Scratch();
  let next = 0, e = 0;
  while (next < n) {
    const group: Subgraph[] = [];
    let rows = 0;
    while (next < n && (group.length === 0 || rows < batchRows)) {
      const g = builder.build(pivots[next++]!);
      group.push(g);
      rows += g.nodes.length;
    }
    const batch = firstLayer ? makeBatch(group) : makeBatch(group, features);
    const prob = linkProbabilities((await gcnForward(params, batch, backend, 'eval', firstLayer ? { firstLayer, scratch } : { scratch })).logits);
    for (let i = 0; i < prob.length; i++, e++) {
      src[e] = batch.linkPivot[i]!;
      dst[e] = batch.linkNode[i]!;
      score[e] = prob[i]!;
    }
    options.onProgress?.(next, n);
  }
  return { src, dst, score };
}
