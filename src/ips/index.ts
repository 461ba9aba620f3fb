/**
 * Instance Pivot Subgraphs (L-GCN §3.1; the seed's Feeder). For a pivot p:
 * - hop 1: its k1 nearest neighbours (kNN columns 1..k1); hop 2: the k2 nearest of each of those;
 * - nodes: p, then hop 1 in kNN order, then the new hop-2 nodes in the order they are met (the
 *   seed iterates a Python set, so its order is arbitrary; only the mapping by node id matters);
 * - node features x_v − x_p (see `subgraphFeatures`);
 * - A: each node links to those of its u nearest ("active connections") inside the subgraph,
 *   both ways, then rows are divided by their degree (D⁻¹A). A node with no link inside keeps a
 *   zero row (the seed divides by zero there and spreads NaN).
 * No padding: the seed padded to k1·(k2+1)+1 rows for GPU batching; real rows are unaffected.
 */
import { fail } from '../errors.js';
import type { Features, KnnGraph } from '../types.js';

export interface IpsOptions {
  /** Hop-1 neighbours (k_at_hop[0]). */
  k1: number;
  /** Hop-2 neighbours of each hop-1 node (k_at_hop[1]). */
  k2: number;
  /** Active connections per node (active_connection). */
  u: number;
}

/** The seed's training defaults (train.py: k_at_hop [200, 10], active_connection 10). */
export const IPS_TRAIN_DEFAULTS: Readonly<IpsOptions> = Object.freeze({ k1: 200, k2: 10, u: 10 });
/** The paper's test settings (§4.2: k_at_hop [80, 5], active_connection 5). */
export const IPS_TEST_DEFAULTS: Readonly<IpsOptions> = Object.freeze({ k1: 80, k2: 5, u: 5 });

export interface Subgraph {
  pivot: number;
  /** Global ids of the nodes; nodes[0] is the pivot, nodes[1..k1] its hop-1 neighbours. */
  nodes: Int32Array;
  /** How many hop-1 nodes follow the pivot (k1). */
  hop1: number;
  /** Row-normalised adjacency in CSR form over local positions. */
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

export function checkIpsOptions(o: IpsOptions, knnK: number, file?: string): void {
  for (const [name, v] of [['k1', o.k1], ['k2', o.k2], ['u', o.u]] as const) {
    if (!Number.isInteger(v) || v < 1) fail('BAD_OPTION', `${name} must be a positive integer, got ${v}`);
  }
  if (o.k1 > knnK) fail('SHAPE_MISMATCH', `the kNN graph has K = ${knnK}, fewer than the subgraphs' first hop k1 = ${o.k1}: build it with k = ${o.k1} or more`, file);
  // the seed cuts the kNN graph to k1 + 1 columns before looking up hop 2 and active connections
  if (o.k2 > o.k1) fail('BAD_OPTION', `the subgraphs' second hop k2 = ${o.k2} must not exceed the first, k1 = ${o.k1}`);
  if (o.u > o.k1) fail('BAD_OPTION', `active connections u = ${o.u} must not exceed k1 = ${o.k1}`);
}

/** Refuses a subgraph size that `faces` faces cannot fill: k1 neighbours need k1 + 1 faces. */
export function checkEnoughFaces(k1: number, faces: number, file?: string): void {
  if (faces <= k1) fail('BAD_OPTION', `the subgraphs' first hop k1 = ${k1} needs at least ${k1 + 1} faces, there are ${faces}`, file);
}

/** Builds subgraphs over one kNN graph; holds a reusable global→local map (one per thread). */
export class IpsBuilder {
  private readonly local: Int32Array;

  constructor(private readonly knn: KnnGraph, readonly options: IpsOptions) {
    checkIpsOptions(options, knn.k);
    this.local = new Int32Array(knn.n).fill(-1);
  }

  build(pivot: number): Subgraph {
    const { k1, k2, u } = this.options;
    const w = this.knn.k + 1;
    const idx = this.knn.indices;
    const local = this.local;
    const nodes: number[] = [pivot];
    local[pivot] = 0;
    const add = (v: number) => {
      if (local[v]! < 0) {
        local[v] = nodes.length;
        nodes.push(v);
      }
    };
    for (let j = 1; j <= k1; j++) add(idx[pivot * w + j]!);
    for (let h = 1; h <= k1; h++) {
      const v = idx[pivot * w + h]!;
      for (let j = 1; j <= k2; j++) add(idx[v * w + j]!);
    }
    const n = nodes.length;
    // links both ways: collect (row, col) pairs, then sort and drop repeats per row
    const deg = new Int32Array(n);
    const pairs: number[] = [];
    for (let a = 0; a < n; a++) {
      const v = nodes[a]!;
      for (let j = 1; j <= u; j++) {
        const b = local[idx[v * w + j]!]!;
        if (b < 0) continue;
        pairs.push(a * n + b, b * n + a);
      }
    }
    const sorted = Float64Array.from(pairs).sort();
    const cols: number[] = [];
    const rowPtr = new Int32Array(n + 1);
    let prev = -1;
    for (const key of sorted) {
      if (key === prev) continue;
      prev = key;
      const row = Math.floor(key / n);
      cols.push(key - row * n);
      deg[row]!++;
    }
    for (let a = 0; a < n; a++) rowPtr[a + 1] = rowPtr[a]! + deg[a]!;
    const vals = new Float32Array(cols.length);
    for (let a = 0; a < n; a++) for (let e = rowPtr[a]!; e < rowPtr[a + 1]!; e++) vals[e] = 1 / deg[a]!;
    for (const v of nodes) local[v] = -1;
    // a valid kNN row has distinct ids, so hop 1 fills positions 1..k1
    return { pivot, nodes: Int32Array.from(nodes), hop1: k1, rowPtr, cols: Int32Array.from(cols), vals };
  }
}

/** Node features of a subgraph: x_v − x_pivot for each node, row-major. */
export function subgraphFeatures(g: Subgraph, f: Features, out = new Float32Array(g.nodes.length * f.dim)): Float32Array {
  const d = f.dim;
  const p = g.pivot * d;
  for (let i = 0; i < g.nodes.length; i++) {
    const v = g.nodes[i]! * d;
    for (let j = 0; j < d; j++) out[i * d + j] = f.data[v + j]! - f.data[p + j]!;
  }
  return out;
}
