/**
 * Infomap: communities of an undirected weighted graph by the two-level map equation
 * (Rosvall & Bergstrom, "Maps of random walks on complex networks reveal community structure",
 * PNAS 2008), written from the paper (the official Infomap is GPL-3).
 *
 * A random walker moves along links in proportion to their weight. For undirected graphs its
 * stationary flow is closed-form: with strengths s_α = Σ_β w_αβ (a self-loop counts twice, as
 * in the degree convention) and S = Σ_α s_α, node α is visited at p_α = s_α / S and each link
 * carries f_αβ = w_αβ / S in each direction. For a partition M into modules, with q_m the flow
 * leaving module m and p_m the flow inside it,
 *
 *   L(M) = plogp(q) − 2 Σ_m plogp(q_m) − Σ_α plogp(p_α) + Σ_m plogp(q_m + p_m),   q = Σ_m q_m,
 *
 * (plogp(x) = x log₂ x) is the mean description length, in bits, of one step of the walk: the
 * index codebook names module changes, each module's codebook its nodes and its exit. The best
 * partition is the shortest description. The search is the paper's: nodes visited in a seeded
 * random order each move to the neighbouring module that shortens L most, until no move
 * helps; modules then become the nodes of an aggregated graph and the moves repeat, level by
 * level. After that the whole search is re-applied from the partition found, on the original
 * nodes (a node may now leave the module it was aggregated into), while that shortens L.
 * Several trials from different orders keep the shortest. Isolated nodes (no flow) stay alone;
 * a module never spans two connected components (their union is always longer).
 */
import { fail } from '../errors.js';
import { seededRandom, shuffleInPlace } from '../random.js';
import { relabelByFirstMember } from '../labels.js';

export interface InfomapOptions {
  /** Independent searches from different random orders; the shortest code wins (default 3). */
  trials?: number;
  /** Seed of the first trial; trial t uses seed + t (default 1). */
  seed?: number;
  /** Moves must shorten L by more than this many bits (default 1e-10). */
  minImprovement?: number;
  /** Called after each trial. */
  onTrial?: (trial: number, codelength: number, seconds: number) => void;
}

export const INFOMAP_DEFAULTS = Object.freeze({ trials: 3, seed: 1, minImprovement: 1e-10 });

export interface InfomapResult {
  /** Module of each node, numbered 0, 1, … by lowest member. */
  labels: Int32Array;
  /** L of the partition, in bits. */
  codelength: number;
  /** L with every node in one module (the entropy of the node flow), for comparison. */
  oneModuleCodelength: number;
  /** L of each trial. */
  trials: number[];
}

/** An undirected graph in flow units: CSR adjacency without self-loops, both directions stored. */
interface FlowGraph {
  n: number;
  /** Visit rate of each node (including the flow of its self-loops). */
  flow: Float64Array;
  start: Int32Array;
  neighbour: Int32Array;
  /** Flow along the link, one direction. */
  linkFlow: Float64Array;
}

/** Link ends (two per link) a flow graph holds: its offsets are Int32. */
export const MAX_LINK_ENDS = 2 ** 31 - 1;

const plogp = (x: number) => (x > 0 ? x * Math.log2(x) : 0);

/**
 * The flow graph of an edge list; parallel edges add up. Edges may come in one direction or
 * both: an undirected edge is its weights summed over both (i, j) and (j, i) listings.
 */
function flowGraph(n: number, src: ArrayLike<number>, dst: ArrayLike<number>, weight: ArrayLike<number>): FlowGraph {
  const m = src.length;
  if (dst.length !== m || weight.length !== m) fail('SHAPE_MISMATCH', `edge arrays of lengths ${m}, ${dst.length}, ${weight.length}`);
  const strength = new Float64Array(n);
  const degree = new Int32Array(n + 1);
  let total = 0;
  for (let e = 0; e < m; e++) {
    const a = src[e]!, b = dst[e]!, w = weight[e]!;
    if (!(a >= 0 && a < n && b >= 0 && b < n && Number.isInteger(a) && Number.isInteger(b))) fail('BAD_VALUE', `edge ${e} joins ${a} and ${b}, outside 0..${n - 1}`);
    if (!(w >= 0 && Number.isFinite(w))) fail('BAD_VALUE', `edge ${e} has weight ${w}; weights must be finite and not negative`);
    strength[a]! += w;
    strength[b]! += w;
    total += 2 * w;
    if (a !== b && w > 0) { degree[a]!++; degree[b]!++; }
  }
  // link ends are indexed by Int32: past 2³¹ − 1 of them the offsets would wrap, so say so instead
  let ends = 0;
  for (let i = 0; i < n; i++) ends += degree[i]!;
  if (ends > MAX_LINK_ENDS) fail('BAD_VALUE', `${ends / 2} links are more than one Infomap graph holds (${MAX_LINK_ENDS / 2}): keep fewer (a higher threshold, or a smaller k)`);
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
  const fill = start.slice(0, n);
  const neighbour = new Int32Array(start[n]!);
  const linkFlow = new Float64Array(start[n]!);
  const scale = total > 0 ? 1 / total : 0;
  for (let e = 0; e < m; e++) {
    const a = src[e]!, b = dst[e]!, w = weight[e]!;
    if (a === b || w <= 0) continue;
    neighbour[fill[a]!] = b; linkFlow[fill[a]!++] = w * scale;
    neighbour[fill[b]!] = a; linkFlow[fill[b]!++] = w * scale;
  }
  const flow = strength.map((s) => s * scale);
  return mergeParallel({ n, flow, start, neighbour, linkFlow });
}

/** Sums the flows of repeated neighbours in each CSR row. */
function mergeParallel(g: FlowGraph): FlowGraph {
  const { n, start, neighbour, linkFlow } = g;
  const slot = new Int32Array(n).fill(-1);
  const newStart = new Int32Array(n + 1);
  const newNeighbour = new Int32Array(neighbour.length);
  const newFlow = new Float64Array(neighbour.length);
  let out = 0;
  for (let i = 0; i < n; i++) {
    const rowStart = out;
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const b = neighbour[e]!;
      if (slot[b]! < rowStart) { slot[b] = out; newNeighbour[out] = b; newFlow[out++] = linkFlow[e]!; }
      else newFlow[slot[b]!]! += linkFlow[e]!;
    }
    newStart[i + 1] = out;
  }
  return { n, flow: g.flow, start: newStart, neighbour: newNeighbour.slice(0, out), linkFlow: newFlow.slice(0, out) };
}

/** Flow of each node's links to other nodes. */
function outFlows(g: FlowGraph): Float64Array {
  const out = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) for (let e = g.start[i]!; e < g.start[i + 1]!; e++) out[i]! += g.linkFlow[e]!;
  return out;
}

/** Module exit and inside flows of a partition, and L. */
class Partition {
  readonly exit: Float64Array;
  readonly inside: Float64Array;
  exitTotal = 0;
  sumPlogpExit = 0;
  sumPlogpExitInside = 0;

  constructor(readonly g: FlowGraph, readonly module: Int32Array, readonly nodeEntropy: number) {
    this.exit = new Float64Array(g.n);
    this.inside = new Float64Array(g.n);
    for (let i = 0; i < g.n; i++) {
      const mi = module[i]!;
      this.inside[mi]! += g.flow[i]!;
      for (let e = g.start[i]!; e < g.start[i + 1]!; e++) if (module[g.neighbour[e]!] !== mi) this.exit[mi]! += g.linkFlow[e]!;
    }
    for (let m = 0; m < g.n; m++) {
      this.exitTotal += this.exit[m]!;
      this.sumPlogpExit += plogp(this.exit[m]!);
      this.sumPlogpExitInside += plogp(this.exit[m]! + this.inside[m]!);
    }
  }

  get codelength(): number {
    return plogp(this.exitTotal) - 2 * this.sumPlogpExit + this.nodeEntropy + this.sumPlogpExitInside;
  }
}

/** L of `module` over the graph of the edge list (exported for tests and the benchmark). */
export function mapEquation(n: number, src: ArrayLike<number>, dst: ArrayLike<number>, weight: ArrayLike<number>, module: ArrayLike<number>): number {
  const g = flowGraph(n, src, dst, weight);
  if (module.length !== n) fail('SHAPE_MISMATCH', `${module.length} module numbers for ${n} nodes`);
  return new Partition(g, relabelByFirstMember(Int32Array.from(module)), nodeEntropyOf(g.flow)).codelength;
}

function nodeEntropyOf(flow: Float64Array): number {
  let h = 0;
  for (const p of flow) h -= plogp(p);
  return h;
}

/**
 * Greedy moves of single nodes of `g` (each in random order, repeatedly) between modules
 * until none shortens L by more than `eps`. Returns whether any node moved.
 */
function moveNodes(part: Partition, out: Float64Array, random: () => number, eps: number): boolean {
  const { g, module, exit, inside } = part;
  const n = g.n;
  const toModule = new Float64Array(n), touched = new Int32Array(n), order = new Int32Array(n);
  const moduleSize = new Int32Array(n);
  for (let i = 0; i < n; i++) moduleSize[module[i]!]!++;
  // module numbers with no node: where a node may go to be alone
  const empty = new Int32Array(n);
  let emptyCount = 0;
  for (let m = n - 1; m >= 0; m--) if (moduleSize[m] === 0) empty[emptyCount++] = m;
  let movedAny = false;
  for (let sweep = 0; sweep < 1000; sweep++) {
    for (let i = 0; i < n; i++) order[i] = i;
    shuffleInPlace(order, random);
    let moves = 0;
    for (let o = 0; o < n; o++) {
      const a = order[o]!;
      if (g.start[a + 1] === g.start[a]) continue;
      const from = module[a]!;
      // flow from a to each neighbouring module
      let count = 0;
      for (let e = g.start[a]!; e < g.start[a + 1]!; e++) {
        const mb = module[g.neighbour[e]!]!;
        if (toModule[mb] === 0) touched[count++] = mb;
        toModule[mb]! += g.linkFlow[e]!;
      }
      const pa = g.flow[a]!, oa = out[a]!, toFrom = toModule[from]!;
      // a leaves `from`
      const exitFrom = exit[from]! - oa + 2 * toFrom;
      const insideFrom = inside[from]! - pa;
      const baseExitTotal = part.exitTotal - exit[from]! + exitFrom;
      const baseSumExit = part.sumPlogpExit - plogp(exit[from]!) + plogp(exitFrom);
      const baseSumBoth = part.sumPlogpExitInside - plogp(exit[from]! + inside[from]!) + plogp(exitFrom + insideFrom);
      const current = part.codelength;
      let best = from, bestDelta = 0, bestExitTo = 0;
      for (let c = 0; c < count; c++) {
        const to = touched[c]!;
        if (to === from) continue;
        const exitTo = exit[to]! + oa - 2 * toModule[to]!;
        const total = baseExitTotal - exit[to]! + exitTo;
        const sumExit = baseSumExit - plogp(exit[to]!) + plogp(exitTo);
        const sumBoth = baseSumBoth - plogp(exit[to]! + inside[to]!) + plogp(exitTo + inside[to]! + pa);
        const delta = plogp(total) - 2 * sumExit + part.nodeEntropy + sumBoth - current;
        // ties by the lower module number, for determinism
        if (delta < bestDelta - eps || (best !== from && Math.abs(delta - bestDelta) <= eps && to < best)) {
          best = to;
          bestDelta = delta;
          bestExitTo = exitTo;
        }
      }
      // a node alone may also do best in a module of its own: an empty one, when there is one
      if (moduleSize[from]! > 1 && emptyCount > 0) {
        const exitTo = oa;
        const total = baseExitTotal + exitTo;
        const sumExit = baseSumExit + plogp(exitTo);
        const sumBoth = baseSumBoth + plogp(exitTo + pa);
        const delta = plogp(total) - 2 * sumExit + part.nodeEntropy + sumBoth - current;
        if (delta < bestDelta - eps) { best = empty[emptyCount - 1]!; bestDelta = delta; bestExitTo = exitTo; }
      }
      if (best !== from) {
        const exitFromOld = exit[from]!, insideFromOld = inside[from]!;
        const exitToOld = exit[best]!, insideToOld = inside[best]!;
        exit[from] = exitFrom; inside[from] = insideFrom;
        exit[best] = bestExitTo; inside[best] = insideToOld + pa;
        part.exitTotal += exitFrom - exitFromOld + bestExitTo - exitToOld;
        part.sumPlogpExit += plogp(exitFrom) - plogp(exitFromOld) + plogp(bestExitTo) - plogp(exitToOld);
        part.sumPlogpExitInside += plogp(exitFrom + insideFrom) - plogp(exitFromOld + insideFromOld)
          + plogp(bestExitTo + insideToOld + pa) - plogp(exitToOld + insideToOld);
        module[a] = best;
        if (moduleSize[best] === 0) emptyCount--;
        moduleSize[from]!--; moduleSize[best]!++;
        if (moduleSize[from] === 0) empty[emptyCount++] = from;
        moves++;
      }
      for (let c = 0; c < count; c++) toModule[touched[c]!] = 0;
    }
    if (moves === 0) break;
    movedAny = true;
  }
  return movedAny;
}

/** The graph whose nodes are the modules of `module` (numbered 0..count−1). */
function aggregate(g: FlowGraph, module: Int32Array, count: number): FlowGraph {
  const flow = new Float64Array(count);
  for (let i = 0; i < g.n; i++) flow[module[i]!]! += g.flow[i]!;
  // members of each module, then their links to other modules
  const memberStart = new Int32Array(count + 1);
  for (let i = 0; i < g.n; i++) memberStart[module[i]! + 1]!++;
  for (let m = 0; m < count; m++) memberStart[m + 1]! += memberStart[m]!;
  const fill = memberStart.slice(0, count);
  const members = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) members[fill[module[i]!]!++] = i;
  const start = new Int32Array(count + 1);
  const neighbour: number[] = [];
  const linkFlow: number[] = [];
  const slot = new Int32Array(count).fill(-1);
  for (let m = 0; m < count; m++) {
    const rowStart = neighbour.length;
    for (let k = memberStart[m]!; k < memberStart[m + 1]!; k++) {
      const i = members[k]!;
      for (let e = g.start[i]!; e < g.start[i + 1]!; e++) {
        const mb = module[g.neighbour[e]!]!;
        if (mb === m) continue;
        if (slot[mb]! < rowStart) { slot[mb] = neighbour.length; neighbour.push(mb); linkFlow.push(g.linkFlow[e]!); }
        else linkFlow[slot[mb]!]! += g.linkFlow[e]!;
      }
    }
    start[m + 1] = neighbour.length;
  }
  return { n: count, flow, start, neighbour: Int32Array.from(neighbour), linkFlow: Float64Array.from(linkFlow) };
}

/** Renumbers module ids 0..count−1 in place; returns count. */
function compact(module: Int32Array): number {
  const map = new Int32Array(module.length).fill(-1);
  let count = 0;
  for (let i = 0; i < module.length; i++) {
    const m = module[i]!;
    if (map[m] === -1) map[m] = count++;
    module[i] = map[m]!;
  }
  return count;
}

/**
 * One search: levels of node moves and aggregation starting from `initial` (a module per node
 * when not given); returns the module of each original node.
 */
function search(g: FlowGraph, initial: Int32Array | undefined, random: () => number, eps: number, nodeEntropy: number): Int32Array {
  const assignment = initial ? initial.slice() : Int32Array.from({ length: g.n }, (_, i) => i);
  let level = g;
  // the first level starts from `initial`, aggregated levels from a module per node
  let levelModule = assignment.slice();
  for (;;) {
    const part = new Partition(level, levelModule, nodeEntropy);
    const moved = moveNodes(part, outFlows(level), random, eps);
    const count = compact(levelModule);
    if (level !== g) for (let i = 0; i < g.n; i++) assignment[i] = levelModule[assignment[i]!]!;
    else assignment.set(levelModule);
    if (!moved && level !== g) break;
    if (count === level.n) break;
    level = aggregate(level, levelModule, count);
    levelModule = Int32Array.from({ length: count }, (_, i) => i);
  }
  return assignment;
}

/**
 * Infomap over an edge list of `n` nodes: `src[e]`–`dst[e]` with `weight[e]` ≥ 0, undirected.
 */
export function infomap(n: number, src: ArrayLike<number>, dst: ArrayLike<number>, weight: ArrayLike<number>, options: InfomapOptions = {}): InfomapResult {
  const o = { ...INFOMAP_DEFAULTS, ...options };
  if (!(Number.isInteger(o.trials) && o.trials >= 1)) fail('BAD_OPTION', `trials must be a whole number ≥ 1, got ${o.trials}`);
  const g = flowGraph(n, src, dst, weight);
  const nodeEntropy = nodeEntropyOf(g.flow);
  let best: Int32Array | undefined, bestL = Infinity;
  const lengths: number[] = [];
  for (let t = 0; t < o.trials; t++) {
    const started = performance.now();
    const random = seededRandom(o.seed + t);
    let module = search(g, undefined, random, o.minImprovement, nodeEntropy);
    let length = new Partition(g, module, nodeEntropy).codelength;
    // re-apply the search from the partition found, while it shortens the code
    for (let round = 0; round < 20; round++) {
      const refined = search(g, module, random, o.minImprovement, nodeEntropy);
      const refinedLength = new Partition(g, refined, nodeEntropy).codelength;
      if (!(refinedLength < length - o.minImprovement)) break;
      module = refined; length = refinedLength;
    }
    lengths.push(length);
    o.onTrial?.(t, length, (performance.now() - started) / 1000);
    if (length < bestL - o.minImprovement) { best = module; bestL = length; }
  }
  const labels = relabelByFirstMember(best ?? new Int32Array(n));
  return { labels, codelength: n === 0 ? 0 : bestL, oneModuleCodelength: nodeEntropy, trials: lengths };
}
