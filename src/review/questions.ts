/**
 * The few yes/no questions about a clustering whose answers are expected to improve it most.
 *
 * Two kinds: "same" (are clusters A and B one person?) between clusters joined by kNN links,
 * and "belongs" (is face i the person of its cluster C?) for faces weakly tied to theirs. Each
 * is scored by its expected gain in B-Cubed F: the chance of the answer that changes the
 * clustering times what that change is worth, from the cluster sizes. With n faces and
 * clusters pure but for the question's:
 * - merging pieces of sizes a and b of one person raises their members' recall, B-Cubed F by
 *   about a·b / ((a + b)·n);
 * - taking a stranger out of a cluster of size c raises its members' precision, F by about
 *   (c − 1) / (c·n), and putting it with its own person (size d) adds about d / ((d + 1)·n).
 *
 * The chances come from link evidence put in the collection's own units: a similarity s is
 * z = (x(s) − x(cut)) / scale, with x = −ln(1 − s), cut the link threshold read off the
 * collection and scale the spread of its impostor similarities (cluster/link-threshold.ts), so
 * that one calibration serves any descriptor model. P(one person | z) is a logistic in z fitted
 * on collections of training identities (`npm run bench:review -- --fit`).
 */
import { estimateLinkThreshold, relabelByFirstMember, UnionFind, type LinkThreshold } from '../cluster/index.js';
import { fail } from '../errors.js';
import { buildKnn, knnSimilarities, l2Normalize, type KnnSearch } from '../knn/index.js';
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
 * the cluster (faces[1]); `next` is the cluster it fits next (−1: none), where a "no" moves it.
 */
export interface BelongsQuestion {
  id: number;
  kind: 'belongs';
  face: number;
  cluster: number;
  faces: [number, number];
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
  /**
   * Fitted on collections of lfw-train identities (photos and crops) and synthetic people in
   * every shape of the library benchmark, clustered by the default (`npm run bench:review --
   * --fit`): "same" from the strongest links between two clusters, "belongs" from a face's
   * strongest links into its own cluster.
   */
  same: Object.freeze({ bias: -8.709, slope: 2.208, weight: 9.581 }) as Logistic,
  belongs: Object.freeze({ bias: -3.779, slope: 0.944, weight: 5.252 }) as Logistic,
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
  const knn = given.sims ? given : { ...given, sims: knnSimilarities(given, unit) };
  const cut = options.linkThreshold ?? estimateLinkThreshold(unit, knn, options.descriptors !== undefined ? { descriptors: options.descriptors } : {});
  const scale = cut.scale > 0 ? cut.scale : REVIEW_DEFAULTS.fallbackScale;
  const xOf = (s: number) => -Math.log(Math.max(1e-12, 1 - s));
  const xCut = xOf(cut.threshold);
  const zOf = (s: number) => (xOf(s) - xCut) / scale;
  const same = options.same ?? REVIEW_DEFAULTS.same, belongs = options.belongs ?? REVIEW_DEFAULTS.belongs;
  const top = REVIEW_DEFAULTS.top;

  // clusters numbered 0..m−1 here; `idOf` gives them back as the caller numbers them
  const cluster = relabelByFirstMember(labels);
  let m = 0;
  for (const c of cluster) m = Math.max(m, c + 1);
  const idOf = new Int32Array(m);
  const size = new Int32Array(m);
  for (let i = 0; i < n; i++) { idOf[cluster[i]!] = labels[i]!; size[cluster[i]!]!++; }
  const rep = representatives(unit, cluster, m);

  // the strongest links between clusters, within each face's own cluster, and from each face to each other cluster
  const between = new Map<number, number[]>();
  // links from each cluster (as pivot) into each other one, and from each face into its own
  const linkCount = new Map<number, number>();
  const insideCount = new Int32Array(n);
  const inside: number[][] = Array.from({ length: n }, () => []);
  const toOther: Map<number, { top: number[]; count: number }>[] = Array.from({ length: n }, () => new Map());
  const indices = knn.indices, sims = knn.sims!;
  const w = knn.k + 1;
  for (let i = 0; i < n; i++) {
    const ci = cluster[i]!;
    for (let t = 0; t < w; t++) {
      const j = indices[i * w + t]!;
      if (j === i || j < 0) continue;
      const s = sims[i * w + t]!, cj = cluster[j]!;
      if (cj === ci) { pushTop(inside[i]!, s, top); insideCount[i]!++; continue; }
      linkCount.set(ci * m + cj, (linkCount.get(ci * m + cj) ?? 0) + 1);
      const key = Math.min(ci, cj) * m + Math.max(ci, cj);
      let list = between.get(key);
      if (!list) between.set(key, (list = []));
      pushTop(list, s, top);
      let own = toOther[i]!.get(cj);
      if (!own) toOther[i]!.set(cj, (own = { top: [], count: 0 }));
      pushTop(own.top, s, top);
      own.count++;
    }
  }

  // pairs already answered: the clusters they name and the faces they ask about are settled
  const settledPairs = new Set<number>();
  const settledFaces = new Set<number>();
  for (const [a, b] of [...options.answered?.mustLink ?? [], ...options.answered?.cannotLink ?? []]) {
    if (!(a >= 0 && a < n && b >= 0 && b < n)) continue;
    const ca = cluster[a]!, cb = cluster[b]!;
    if (ca !== cb) settledPairs.add(Math.min(ca, cb) * m + Math.max(ca, cb));
    settledFaces.add(a).add(b);
  }

  // `pair`: a "same" question's two clusters as numbered here
  const candidates: { evidence: Evidence; p: number; pair?: [number, number] }[] = [];
  for (const [key, list] of between) {
    if (settledPairs.has(key)) continue;
    const a = Math.floor(key / m), b = key % m;
    const z = zOf(mean(list));
    // the smaller cluster's neighbours that are in the other
    const [small, large] = size[a]! <= size[b]! ? [a, b] : [b, a];
    const share = (linkCount.get(small * m + large) ?? 0) / (size[small]! * Math.min(knn.k, size[large]!));
    const p = probability(same, z, share);
    const gain = (size[a]! * size[b]!) / ((size[a]! + size[b]!) * n);
    candidates.push({ p, pair: [a, b], evidence: { z, share, question: { id: 0, kind: 'same', a: idOf[a]!, b: idOf[b]!, faces: [rep[a]!, rep[b]!], score: p * gain } } });
  }
  for (let i = 0; i < n; i++) {
    const c = cluster[i]!, sc = size[c]!;
    if (sc < 2 || rep[c] === i || settledFaces.has(i)) continue;
    const z = inside[i]!.length > 0 ? zOf(mean(inside[i]!)) : -Infinity;
    const share = insideCount[i]! / Math.min(knn.k, sc - 1);
    const pNot = 1 - probability(belongs, z, share);
    // where a "no" moves it: the other cluster it is most likely the person of
    let next = -1, pNext = 0;
    for (const [d, links] of toOther[i]!) {
      const p = probability(same, zOf(mean(links.top)), links.count / Math.min(knn.k, size[d]!));
      if (p > pNext || (p === pNext && d < next)) [next, pNext] = [d, p];
    }
    if (pNext < 0.5) next = -1;
    const gain = ((sc - 1) / sc + (next >= 0 ? pNext * size[next]! / (size[next]! + 1) : 0)) / n;
    candidates.push({ p: 1 - pNot, evidence: { z, share, question: { id: 0, kind: 'belongs', face: i, cluster: idOf[c]!, faces: [i, rep[c]!], next: next >= 0 ? idOf[next]! : -1, score: pNot * gain } } });
  }
  candidates.sort((x, y) => y.evidence.question.score - x.evidence.question.score || x.evidence.z - y.evidence.z);

  // a "same" question whose answer earlier likely "yes" answers already imply is not asked
  // (each face has one "belongs" question at most)
  const joined = new UnionFind(m);
  const out: Evidence[] = [];
  for (const { evidence, p, pair } of candidates) {
    if (out.length >= limit) break;
    if (pair) {
      const [a, b] = pair;
      if (joined.find(a) === joined.find(b)) continue;
      if (p >= 0.5) joined.union(a, b);
    }
    const q = evidence.question;
    q.id = out.length;
    out.push(evidence);
  }
  return out;
}

export async function reviewQuestions(features: Features, labels: Int32Array, options: ReviewOptions = {}): Promise<Question[]> {
  return (await reviewWithEvidence(features, labels, options)).map((e) => e.question);
}

/** The face of each cluster nearest its mean direction: the one that best shows it. */
function representatives(unit: Features, cluster: Int32Array, m: number): Int32Array {
  const { n, dim, data } = unit;
  const sum = new Float64Array(m * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) sum[cluster[i]! * dim + d]! += data[i * dim + d]!;
  const best = new Int32Array(m).fill(-1);
  const bestDot = new Float64Array(m).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const c = cluster[i]!;
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[i * dim + d]! * sum[c * dim + d]!;
    if (s > bestDot[c]!) { bestDot[c] = s; best[c] = i; }
  }
  return best;
}
