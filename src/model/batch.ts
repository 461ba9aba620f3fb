/**
 * A batch of subgraphs as one block-diagonal graph: node rows of every subgraph stacked, one
 * CSR adjacency over all of them, and the rows of the hop-1 nodes whose links are scored.
 * BatchNorm then sees exactly the batch's real nodes, and every product is one large matrix.
 */
import { subgraphFeatures, type Subgraph } from '../ips/index.js';
import type { Features } from '../types.js';
import type { Csr } from './sparse.js';

export interface GraphBatch extends Csr {
  /** Input features, rows × D: each node's feature minus its pivot's (when features were given). */
  x?: Float32Array;
  /** Global id of each row's face, and of its subgraph's pivot. */
  nodeIds: Int32Array;
  rowPivots: Int32Array;
  /** Batch row of each scored hop-1 node. */
  hop1Rows: Int32Array;
  /** Pivot and neighbour (global ids) of each scored link, in the order of hop1Rows. */
  linkPivot: Int32Array;
  linkNode: Int32Array;
}

/**
 * Stacks subgraphs into one batch; without `f` the batch carries no input features (inference
 * from a precomputed first layer needs only the node ids).
 */
export function makeBatch(subgraphs: Subgraph[], f?: Features): GraphBatch {
  const d = f?.dim ?? 0;
  let rows = 0, nnz = 0, links = 0;
  for (const g of subgraphs) {
    rows += g.nodes.length;
    nnz += g.cols.length;
    links += g.hop1;
  }
  const x = f ? new Float32Array(rows * d) : undefined;
  const nodeIds = new Int32Array(rows), rowPivots = new Int32Array(rows);
  const rowPtr = new Int32Array(rows + 1);
  const cols = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  const hop1Rows = new Int32Array(links);
  const linkPivot = new Int32Array(links);
  const linkNode = new Int32Array(links);
  let r0 = 0, e0 = 0, l0 = 0;
  for (const g of subgraphs) {
    const n = g.nodes.length;
    if (f && x) subgraphFeatures(g, f, x.subarray(r0 * d, (r0 + n) * d));
    nodeIds.set(g.nodes, r0);
    rowPivots.fill(g.pivot, r0, r0 + n);
    for (let i = 0; i < n; i++) rowPtr[r0 + i + 1] = e0 + g.rowPtr[i + 1]!;
    for (let e = 0; e < g.cols.length; e++) {
      cols[e0 + e] = g.cols[e]! + r0;
      vals[e0 + e] = g.vals[e]!;
    }
    for (let h = 0; h < g.hop1; h++) {
      hop1Rows[l0 + h] = r0 + 1 + h;
      linkPivot[l0 + h] = g.pivot;
      linkNode[l0 + h] = g.nodes[1 + h]!;
    }
    r0 += n;
    e0 += g.cols.length;
    l0 += g.hop1;
  }
  return { rows, ...(x ? { x } : {}), nodeIds, rowPivots, rowPtr, cols, vals, hop1Rows, linkPivot, linkNode };
}

/**
 * Rows whose output each layer must produce when only the hop-1 rows' last-layer output is
 * used (inference): the last layer needs the hop-1 rows, and each earlier one those rows plus
 * their neighbours in A. Returns one list per layer, first layer first; the last list is
 * `hop1Rows` itself, in its order.
 */
export function neededRows(b: GraphBatch, layers: number): Int32Array[] {
  const out: Int32Array[] = [b.hop1Rows];
  const mark = new Uint8Array(b.rows);
  for (const r of b.hop1Rows) mark[r] = 1;
  for (let l = layers - 1; l > 0; l--) {
    const prev = out[0]!;
    for (const r of prev) for (let e = b.rowPtr[r]!; e < b.rowPtr[r + 1]!; e++) mark[b.cols[e]!] = 1;
    const rows: number[] = [];
    for (let r = 0; r < b.rows; r++) if (mark[r]) rows.push(r);
    out.unshift(Int32Array.from(rows));
  }
  return out;
}
