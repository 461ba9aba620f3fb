/**
 * The few yes/no questions about a clustering whose answers are expected to improve it most.
 *
 * Two kinds: "same" (are clusters A and B one person?) between clusters joined by kNN links,
 * and "belongs" (is face i the person of its cluster C?) for each face, and for parts of a
 * cluster beyond its weakest inside links (a "no" takes the part out: two people merged in one
 * cluster are parted by one answer). Each is scored by its expected gain in B-Cubed F: the
 * chance of the answer that changes the clustering times what that change is worth, from the
 * cluster sizes. With n faces and clusters pure but for the question's:
 * - merging pieces of sizes a and b of one person raises their members' recall, B-Cubed F by
 *   about a·b / ((a + b)·n);
 * - taking a part of p faces of another person out of a cluster of size c raises its members'
 *   precision, F by about p·(c − p) / (c·n), and putting it with its own person (size d) adds
 *   about p·d / ((p + d)·n).
 *
 * The chances come from link evidence put in the collection's own units: a similarity s is
 * z = (x(s) − x(cut)) / scale, with x = −ln(1 − s), cut the link threshold read off the
 * collection and scale the spread of its impostor similarities (cluster/link-threshold.ts), so
 * that one calibration serves any descriptor model. P(one person | z) is a logistic in z fitted
 * on collections of training identities (`npm run bench:review -- --fit`).
 */
import { estimateLinkThreshold, UnionFind, type LinkThreshold } from '../cluster/index.js';
import { fail } from '../errors.js';
import { buildKnn, l2Normalize, withSimilarities, type KnnSearch } from '../knn/index.js';
import { relabelByFirstMember } from '../labels.js';
import type { Features, KnnGraph } from '../types.js';

/** "Are clusters a and b one person?", shown as faces[0] (of a) beside faces[1] (of b). */
export interface SameQuestion {
  id: number;
  kind: 'same';
  a: number;
  b: number;
  faces: [number, number];
  /** Expected gain in B-Cubed F from the answer. */
  score: number;
}

/**
 * "Is face `face` the person of cluster `cluster`?", shown beside the face that best shows
 * the cluster (faces[1]). A "no" takes out `part`: the face and the faces of the cluster that
 * its links tie to the face rather than to the rest (as re-clustering with the answer splits
 * the cluster; just the face when none are), to `next`, the cluster they fit next (−1: alone).
 */
export interface BelongsQuestion {
  id: number;
  kind: 'belongs';
  face: number;
  cluster: number;
  faces: [number, number];
  part: number[];
  next: number;
  score: number;
}

export type Question = SameQuestion | BelongsQuestion;

/**
 * P(one person | z, share) = 1 / (1 + exp(−(bias + slope·z + weight·share))): z the strength of
 * the strongest links, share the fraction of the links the smaller side could have to the other
 * that it has (of its K neighbours, at most the other side's size): a face alone whose
 * neighbours are all one person's is that person, however weak each link.
 */
export interface Logistic {
  bias: number;
  slope: number;
  weight: number;
}

export const REVIEW_DEFAULTS = Object.freeze({
  /** Questions asked. */
  limit: 50,
  /** Neighbours a face, for the links between and within clusters. */
  k: 20,
  /** Links averaged into a pair's evidence (the strongest). */
  top: 3,
  /** Parts of more than one face asked about in each cluster: those beyond its weakest inside links. */
  parts: 3,
  /**
   * Fitted on collections of lfw-train identities (photos and crops) and synthetic people in
   * every shape of the library benchmark, clustered by the default (`npm run bench:review --
   * --fit`): "same" from the strongest links between two clusters, "belongs" from a face's
   * strongest links into its own cluster.
   */
  same: Object.freeze({ bias: -8.819, slope: 2.234, weight: 9.707 }) as Logistic,
  belongs: Object.freeze({ bias: -2.113, slope: 0.874, weight: 3.611 }) as Logistic,
  /** Impostor spread (of x) where a collection is too small to read one: face-api's. */
  fallbackScale: 0.246,
});

export interface ReviewOptions {
  /** Default REVIEW_DEFAULTS.limit. */
  limit?: number;
  k?: number;
  /** A ready kNN graph (with similarities, or they are computed). */
  knn?: KnnGraph;
  knnSearch?: KnnSearch;
  /** The descriptor model, for the link threshold (see ClusterOptions.descriptors). */
  descriptors?: string;
  /** The link threshold's reading, when the clustering made one (cluster's `linkThreshold`). */
  linkThreshold?: LinkThreshold;
  normalized?: boolean;
  /** Calibrations (default REVIEW_DEFAULTS'). */
  same?: Logistic;
  belongs?: Logistic;
  /**
   * Every candidate question, best first, none left out as implied by the ones before (the
   * benchmark's random questions are drawn from these).
   */
  everyCandidate?: boolean;
  /** Pairs already answered: no question is asked again about them (see cluster/constraints.ts). */
  answered?: { mustLink?: readonly (readonly [number, number])[]; cannotLink?: readonly (readonly [number, number])[] };
}

/** What the evidence of each question was, for the benchmark's calibration: z, share and the question. */
export interface Evidence {
  question: Question;
  z: number;
  share: number;
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
export const probability = (l: Logistic, z: number, share: number) => sigmoid(l.bias + l.slope * z + l.weight * share);

/** The `top` largest of a short list, averaged (the list is kept sorted, largest first). */
function pushTop(list: number[], s: number, top: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! < s) i--;
  if (i < top) {
    list.splice(i, 0, s);
    if (list.length > top) list.pop();
  }
}
const mean = (list: readonly number[]) => list.reduce((a, b) => a + b, 0) / list.length;

/**
 * The questions about `labels` (any integer per face; cluster ids as given) most worth asking,
 * best first, with their evidence.
 */
export async function reviewWithEvidence(features: Features, labels: Int32Array, options: ReviewOptions = {}): Promise<Evidence[]> {
  const n = features.n;
  if (labels.length !== n) fail('SHAPE_MISMATCH', `${labels.length} cluster labels for ${n} faces`);
  const limit = options.limit ?? REVIEW_DEFAULTS.limit;
  if (!((Number.isInteger(limit) || limit === Infinity) && limit >= 0)) fail('BAD_OPTION', `limit must be a whole number ≥ 0, not ${limit}`);
  if (n < 2 || limit === 0) return [];
  const unit = options.normalized ? features : l2Normalize(features);
  const k = Math.min(options.k ?? REVIEW_DEFAULTS.k, n - 1);
  const given = options.knn ?? await buildKnn(unit, { k, normalized: true, ...options.knnSearch });
  const knn = withSimilarities(given, unit);
  const cut = options.linkThreshold ?? estimateLinkThreshold(unit, knn, options.descriptors !== undefined ? { descriptors: options.descriptors } : {});
  const scale = cut.scale > 0 ? cut.scale : REVIEW_DEFAULTS.fallbackScale;
  const xOf = (s: number) => -Math.log(Math.max(1e-12, 1 - s));
  const xCut = xOf(cut.threshold);
  const zOf = (s: number) => (xOf(s) - xCut) / scale;
  const same = options.same ?? REVIEW_DEFAULTS.same, belongs = options.belongs ?? REVIEW_DEFAULTS.belongs;
  const top = REVIEW_DEFAULTS.top;

  // clusters numbered 0..m−1 here; `idOf` gives them back as the caller numbers them
  const cluster = relabelByFirstMember(labels);
  const members = membersOf(cluster);
  const m = members.length;
  const size = Int32Array.from(members, (faces) => faces.length);
  const idOf = Int32Array.from(members, (faces) => labels[faces[0]!]!);
  // the face of each cluster that best shows it
  const rep = Int32Array.from(members, (faces) => nearestMean(unit, faces));

  // the strongest links between clusters, how many each cluster (as pivot) sends to each other
  // one, and the links inside clusters (for their maximum spanning forests)
  const between = new Map<number, number[]>();
  const linkCount = new Map<number, number>();
  const insideA: number[] = [], insideB: number[] = [], insideS: number[] = [];
  const indices = knn.indices, sims = knn.sims!;
  const w = knn.k + 1;
  for (let i = 0; i < n; i++) {
    const ci = cluster[i]!;
    for (let t = 0; t < w; t++) {
      const j = indices[i * w + t]!;
      if (j === i || j < 0) continue;
      const s = sims[i * w + t]!, cj = cluster[j]!;
      if (cj === ci) { insideA.push(i); insideB.push(j); insideS.push(s); continue; }
      linkCount.set(ci * m + cj, (linkCount.get(ci * m + cj) ?? 0) + 1);
      const key = Math.min(ci, cj) * m + Math.max(ci, cj);
      let list = between.get(key);
      if (!list) { list = []; between.set(key, list); }
      pushTop(list, s, top);
    }
  }

  // the links out of a part of cluster c: the strongest and their count into the rest of c, and into each other cluster
  const inPart = new Int32Array(n).fill(-1);
  let stamp = 0;
  const linksOut = (part: readonly number[], c: number) => {
    stamp++;
    for (const i of part) inPart[i] = stamp;
    const rest: Links = { top: [], count: 0 };
    const other = new Map<number, Links>();
    for (const i of part) {
      for (let t = 0; t < w; t++) {
        const j = indices[i * w + t]!;
        if (j < 0 || inPart[j] === stamp) continue;
        const cj = cluster[j]!;
        let to = rest;
        if (cj !== c) {
          const known = other.get(cj);
          if (known) to = known;
          else { to = { top: [], count: 0 }; other.set(cj, to); }
        }
        pushTop(to.top, sims[i * w + t]!, top);
        to.count++;
      }
    }
    return { rest, other };
  };

  // pairs already answered: the clusters they name and the faces they ask about are settled
  const settledPairs = new Set<number>();
  const settledFaces = new Set<number>();
  for (const [a, b] of [...options.answered?.mustLink ?? [], ...options.answered?.cannotLink ?? []]) {
    if (!(a >= 0 && a < n && b >= 0 && b < n)) continue;
    const ca = cluster[a]!, cb = cluster[b]!;
    if (ca !== cb) settledPairs.add(Math.min(ca, cb) * m + Math.max(ca, cb));
    settledFaces.add(a).add(b);
  }

  const candidates: Candidate[] = [];
  for (const [key, list] of between) {
    if (settledPairs.has(key)) continue;
    const a = Math.floor(key / m), b = key % m;
    const z = zOf(mean(list));
    // the smaller cluster's neighbours that are in the other
    const [small, large] = size[a]! <= size[b]! ? [a, b] : [b, a];
    const share = (linkCount.get(small * m + large) ?? 0) / (size[small]! * Math.min(knn.k, size[large]!));
    const p = probability(same, z, share);
    const gain = (size[a]! * size[b]!) / ((size[a]! + size[b]!) * n);
    const question: SameQuestion = { id: 0, kind: 'same', a: idOf[a]!, b: idOf[b]!, faces: [rep[a]!, rep[b]!], score: p * gain };
    candidates.push({ p, pair: [a, b], evidence: { z, share, question } });
  }
  // "belongs": each face of a cluster of 2+ alone, and the parts of each cluster beyond its weakest inside links
  const parts: number[][] = [];
  for (let i = 0; i < n; i++) if (size[cluster[i]!]! >= 2 && rep[cluster[i]!] !== i) parts.push([i]);
  parts.push(...weakParts(n, members, rep, { a: insideA, b: insideB, s: insideS }, REVIEW_DEFAULTS.parts));
  for (const part of parts) {
    if (part.some((i) => settledFaces.has(i))) continue;
    const c = cluster[part[0]!]!, sc = size[c]!, p = part.length;
    const face = p === 1 ? part[0]! : nearestMean(unit, part);
    const { rest, other } = linksOut(part, c);
    const z = rest.top.length > 0 ? zOf(mean(rest.top)) : -Infinity;
    const share = rest.count / (p * Math.min(knn.k, sc - p));
    const pNot = 1 - probability(belongs, z, share);
    // where a "no" moves it: the other cluster it is most likely the person of
    let next = -1, pNext = 0;
    for (const [d, links] of other) {
      const pd = probability(same, zOf(mean(links.top)), links.count / (p * Math.min(knn.k, size[d]!)));
      if (pd > pNext || (pd === pNext && d < next)) [next, pNext] = [d, pd];
    }
    if (pNext < 0.5) next = -1;
    // taking a part of p out of c raises precision; joining it to its person (size d) raises recall
    const gain = (p * (sc - p) / sc + (next >= 0 ? pNext * p * size[next]! / (size[next]! + p) : 0)) / n;
    const question: BelongsQuestion = { id: 0, kind: 'belongs', face, cluster: idOf[c]!, faces: [face, rep[c]!], part: [...part].sort((x, y) => x - y),
      next: next >= 0 ? idOf[next]! : -1, score: pNot * gain };
    candidates.push({ p: 1 - pNot, evidence: { z, share, question } });
  }
  candidates.sort((x, y) => y.evidence.question.score - x.evidence.question.score || x.evidence.z - y.evidence.z);

  // a question that the questions before it already decide is not asked: a "same" between
  // clusters that earlier "same" questions join (the answers decide it unless two of them are
  // "no", and a "no" changes nothing), a "belongs" about a face that an earlier, likely "no"
  // takes out with its part; and each face is shown in one "belongs" question at most
  const joined = new UnionFind(m);
  const takenOut = new Uint8Array(n), shown = new Uint8Array(n);
  const decided = ({ evidence: { question: q }, p, pair }: Candidate): boolean => {
    if (pair) {
      if (joined.find(pair[0]) === joined.find(pair[1])) return true;
      joined.union(pair[0], pair[1]);
    } else if (q.kind === 'belongs') {
      if (takenOut[q.face] || shown[q.face]) return true;
      shown[q.face] = 1;
      if (p < 0.5) for (const i of q.part) takenOut[i] = 1;
    }
    return false;
  };
  const out: Evidence[] = [];
  for (const candidate of candidates) {
    if (out.length >= limit) break;
    if (!options.everyCandidate && decided(candidate)) continue;
    candidate.evidence.question.id = out.length;
    out.push(candidate.evidence);
  }
  return out;
}

export async function reviewQuestions(features: Features, labels: Int32Array, options: ReviewOptions = {}): Promise<Question[]> {
  return (await reviewWithEvidence(features, labels, options)).map((e) => e.question);
}

/** A question before the choice: `p` the chance of "yes", `pair` a "same" question's two clusters as numbered here. */
interface Candidate {
  evidence: Evidence;
  p: number;
  pair?: [number, number];
}

interface Links {
  top: number[];
  count: number;
}

/** The faces of each cluster, labels numbered 0..m−1. */
function membersOf(cluster: Int32Array): number[][] {
  const out: number[][] = [];
  cluster.forEach((c, i) => {
    if (out[c] === undefined) out[c] = [];
    out[c].push(i);
  });
  return out;
}

/** The face of `faces` nearest their mean direction. */
function nearestMean(unit: Features, faces: readonly number[]): number {
  const { dim, data } = unit;
  const sum = new Float64Array(dim);
  for (const i of faces) for (let d = 0; d < dim; d++) sum[d]! += data[i * dim + d]!;
  let best = faces[0]!, bestDot = -Infinity;
  for (const i of faces) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[i * dim + d]! * sum[d]!;
    if (s > bestDot) [best, bestDot] = [i, s];
  }
  return best;
}

/**
 * Parts of 2+ faces that a cluster's inside links tie to each other more than to the face that
 * best shows it (its representative): each cluster's maximum spanning forest of its inside links,
 * rooted at the representative; a part is what lies beyond one of its `count` weakest tree links
 * (no bigger than the rest), or a piece the links do not join to the representative at all. A
 * cannot-link between a part's face and the representative splits the cluster there
 * (cluster/cannot-link.ts joins the strongest links first).
 */
function weakParts(n: number, members: readonly number[][], rep: Int32Array, links: { a: number[]; b: number[]; s: number[] }, count: number): number[][] {
  const order = Int32Array.from(links.s.keys()).sort((x, y) => links.s[y]! - links.s[x]! || x - y);
  const forest = new UnionFind(n);
  const tree: { to: number; s: number }[][] = Array.from({ length: n }, () => []);
  for (const e of order) {
    const a = links.a[e]!, b = links.b[e]!;
    if (forest.find(a) === forest.find(b)) continue;
    forest.union(a, b);
    tree[a]!.push({ to: b, s: links.s[e]! });
    tree[b]!.push({ to: a, s: links.s[e]! });
  }
  const parent = new Int32Array(n).fill(-1), up = new Float64Array(n), seen = new Uint8Array(n);
  const out: number[][] = [];
  /** The faces the tree reaches from `root` (its own root), in the order reached. */
  const reach = (root: number): number[] => {
    const found = [root];
    seen[root] = 1;
    parent[root] = -1;
    for (let t = 0; t < found.length; t++) {
      for (const { to, s } of tree[found[t]!]!) {
        if (to === parent[found[t]!] || seen[to]) continue;
        seen[to] = 1;
        parent[to] = found[t]!;
        up[to] = s;
        found.push(to);
      }
    }
    return found;
  };
  for (let c = 0; c < members.length; c++) {
    const faces = members[c]!;
    if (faces.length < 4) continue;
    const main = reach(rep[c]!);
    // the size of each face's subtree, leaves first
    const below = new Map<number, number>();
    for (let t = main.length - 1; t >= 0; t--) {
      const v = main[t]!;
      below.set(v, (below.get(v) ?? 0) + 1);
      if (parent[v]! >= 0) below.set(parent[v]!, (below.get(parent[v]!) ?? 0) + below.get(v)!);
    }
    const cuts = main.filter((v) => v !== rep[c] && below.get(v)! >= 2 && 2 * below.get(v)! <= faces.length)
      .sort((x, y) => up[x]! - up[y]! || x - y).slice(0, count);
    for (const v of cuts) {
      // the subtree beyond v's link to its parent
      const part = [v];
      for (let t = 0; t < part.length; t++) for (const { to } of tree[part[t]!]!) if (to !== parent[part[t]!]) part.push(to);
      out.push(part);
    }
    for (const i of faces) {
      if (seen[i]) continue;
      const piece = reach(i);
      if (piece.length >= 2 && 2 * piece.length <= faces.length) out.push(piece);
    }
  }
  return out;
}
