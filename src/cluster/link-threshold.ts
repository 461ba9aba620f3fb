/**
 * Where "same person" ends, read off the collection: the cosine above which a face is expected
 * to have fewer than `alpha` links to other people.
 *
 * Random pairs of faces are almost all of different people, so their similarities give the
 * impostor distribution; what matters is its far upper tail, the nearest impostor among N
 * faces, which no histogram of a collection shows directly (people with many faces fill their
 * neighbours' lists; strangers give nothing but impostors; a small album has few pairs at all).
 * The tail is extrapolated from the bulk with one model of it: x = −ln(1 − cosine) is close to
 * normal for impostor pairs (for random directions in many dimensions, the case of well-centred
 * descriptors, x ≈ cosine is normal; on face-api's descriptors of lfw-train, a normal fitted to
 * the median and upper quartile of x places the 10⁻⁵ quantile at 0.947 against the true 0.955,
 * one fitted to the median and lower quartile, as a collection is read, at 0.942). The cut is
 * the similarity whose impostor tail probability is alpha / (N − 1): extreme-value reasoning
 * about each face's nearest impostor, which rises with N.
 *
 * Genuine pairs contaminate random pairs where people have many faces (a family: a few percent
 * of pairs) or few faces are there at all (an album of two people: half). So the estimate runs
 * twice, each time from the median and lower quartile of x (the side genuine pairs hardly
 * reach): first over all pairs; then, after Infomap has grouped the faces at that first cut,
 * over the pairs that the grouping puts in different clusters only.
 *
 * Exact duplicates (cosine 1) say nothing of the impostors: they are left out of the pairs and
 * of N, and always linked (the cut stays below 1). Strays (descriptors of no face) sit far
 * below every face and move the median of x by a small fraction of its spread.
 *
 * What no collection can tell by itself is one person from strangers (both are one group of
 * similarities; only the cosine scale of the descriptor model says which). Where the model is
 * known (named, as embed writes it into faces.json, or recognised: face-api's descriptors share
 * a mean direction), its impostor distribution measured on training identities stands in for
 * the collection's: a small album, or one mostly of one person, is then read right too.
 */
import { fail } from '../errors.js';
import { similaritiesOf } from '../knn/graph.js';
import { seededRandom } from '../random.js';
import type { Features, KnnGraph } from '../types.js';
import { infomap } from './infomap.js';
import { knnEdges } from './knn-edges.js';

export const LINK_THRESHOLD_DEFAULTS = Object.freeze({
  /**
   * Links to other people a face may expect above the cut, chosen on training collections
   * (`npm run bench:library`'s face-api shapes; models/README.md): 0.1 and 0.3 merged strangers;
   * against 0.03, 0.01 kept more strangers apart and did better on the long tail for a little
   * less on people with many faces; 0.003 lost on the long tail and the albums.
   */
  alpha: 0.01,
  /** Random pairs sampled (all pairs when there are fewer). */
  pairs: 200_000,
  seed: 1,
});

export interface LinkThresholdOptions {
  alpha?: number;
  pairs?: number;
  seed?: number;
  /**
   * The descriptor model, as embed names it ('face-api'): its impostor distribution
   * (DESCRIPTOR_PRIORS) is used instead of the collection's. Recognised from the descriptors
   * when not given; 'unknown' reads the collection whatever the descriptors are.
   */
  descriptors?: string;
}

/** Impostor pairs' x = −ln(1 − cosine) ~ normal(location, scale). */
export interface ImpostorModel {
  location: number;
  scale: number;
}

/**
 * Impostor distributions of known descriptor models, measured on training identities: face-api
 * (dlib's ResNet-34, 128-d), every pair of different people in lfw-train's photos and
 * lfw-train-aligned's crops (median and upper quartile of x; photos alone 1.860 / 0.251, crops
 * 1.816 / 0.228). The key is the first word of the `model` that embed writes into faces.json.
 */
export const DESCRIPTOR_PRIORS: Readonly<Record<string, ImpostorModel>> = Object.freeze({
  'face-api': Object.freeze({ location: 1.8467, scale: 0.2460 }),
});

/**
 * The mean direction of face-api's unit descriptors (lfw-train's photos and crops). Its
 * descriptors share a large common part (a random pair's cosine is about 0.84): each of the
 * 20,934 descriptors of lfw-train, lfw-test and their crops lies within cosine 0.839 of this
 * direction (median 0.92), one person's faces as much as a crowd's, where a descriptor of
 * another model points anywhere (cosines to a fixed direction about normal(0, 1/d): of 10,000
 * synthetic 128-d faces, the largest is 0.36).
 */
const FACE_API_MEAN = Float64Array.of(
  -0.0709, 0.0664, 0.0349, -0.0296, -0.0764, -0.0150, -0.0096, -0.0810, 0.1057, -0.0514, 0.1438, -0.0264,
  -0.1890, -0.0312, -0.0223, 0.0918, -0.1180, -0.0932, -0.1017, -0.0718, 0.0101, 0.0315, 0.0210, 0.0078,
  -0.1046, -0.2234, -0.0495, -0.0710, 0.0406, -0.0686, 0.0081, 0.0376, -0.1418, -0.0480, 0.0206, 0.0530,
  -0.0429, -0.0525, 0.1529, 0.0129, -0.1257, 0.0154, 0.0350, 0.1895, 0.1540, 0.0059, 0.0150, -0.0562,
  0.0841, -0.2030, 0.0379, 0.1149, 0.0869, 0.0639, 0.0638, -0.1105, 0.0177, 0.1004, -0.1368, 0.0524,
  0.0533, -0.0684, -0.0271, -0.0318, 0.1294, 0.0684, -0.0698, -0.1005, 0.1289, -0.1077, -0.0410, 0.0556,
  -0.0677, -0.1226, -0.2033, 0.0328, 0.2935, 0.0994, -0.1312, 0.0126, -0.0608, -0.0149, 0.0297, 0.0276,
  -0.0597, -0.0328, -0.0641, 0.0183, 0.1486, -0.0221, -0.0203, 0.1645, 0.0086, -0.0096, 0.0339, 0.0305,
  -0.0873, -0.0132, -0.0821, -0.0143, 0.0380, -0.0871, 0.0082, 0.0675, -0.1318, 0.1225, -0.0163, -0.0222,
  -0.0076, -0.0220, -0.0586, 0.0041, 0.1328, -0.1918, 0.1678, 0.1352, -0.0003, 0.1064, 0.0500, 0.0458,
  -0.0034, -0.0016, -0.1000, -0.0831, 0.0235, -0.0169, 0.0166, 0.0304,
);
/**
 * The cosine to FACE_API_MEAN that half of a collection's faces reach when they are face-api's
 * (its least is 0.839): a median, so that strays or other faces up to half do not hide it.
 */
export const FACE_API_RECOGNITION_COSINE = 0.8;

/**
 * The known descriptor model whose descriptors these are, from each face's direction (not the
 * collection's mean: one person's many faces pull it off face-api's mean); undefined when none
 * is recognised.
 */
export function recognizeDescriptors(unit: Features): string | undefined {
  if (unit.dim !== FACE_API_MEAN.length || unit.n === 0) return undefined;
  const cosines = new Float64Array(unit.n);
  for (let i = 0; i < unit.n; i++) {
    let dotMean = 0, norm = 0;
    for (let d = 0; d < unit.dim; d++) { const v = unit.data[i * unit.dim + d]!; dotMean += v * FACE_API_MEAN[d]!; norm += v * v; }
    cosines[i] = norm > 0 ? dotMean / Math.sqrt(norm) : -1;
  }
  return quantile(cosines.sort(), 0.5) >= FACE_API_RECOGNITION_COSINE ? 'face-api' : undefined;
}

/**
 * A descriptor model's name from what embed writes ("face-api ssd-mobilenet-v1 + … (ResNet-34,
 * 128-d)", with ", the image as a face crop" for crops): its first word.
 */
function modelName(model: string): string {
  return model.trim().split(/[\s,]/)[0]!;
}

/** The prior of a descriptor model named as embed names it ("face-api", or embed's whole `model` string); undefined when unknown. */
export function descriptorPrior(model: string): ImpostorModel | undefined {
  return DESCRIPTOR_PRIORS[modelName(model)];
}

/** How the cut was read; `threshold` is what a link needs. */
export interface LinkThreshold {
  threshold: number;
  /** Where the impostor model came from ('collection', 'prior': the descriptor model's), or why there was none ('too few faces', 'all identical'). */
  how: 'collection' | 'prior' | 'too few faces' | 'all identical';
  /** Faces counted once (exact duplicates together). */
  distinct: number;
  /** The descriptor model whose prior served, with how 'prior'. */
  descriptors?: string;
  /** The impostor model, x = −ln(1 − cosine) ~ normal(location, scale). */
  location: number;
  scale: number;
}

/** Cosines at or above this are the same descriptor (float32 rounding). */
export const DUPLICATE_COSINE = 1 - 1e-6;
/** Fewer distinct faces than this give no impostor bulk to read. */
export const MIN_DISTINCT_FACES = 4;

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) fail('BAD_VALUE', `normal quantile of ${p}: needs 0 < p < 1`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!)
    / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5, r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q)
    / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** The q-quantile of sorted values (linear interpolation). */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1), lo = Math.floor(at), hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

function dot(data: Float32Array, dim: number, i: number, j: number): number {
  let s = 0;
  for (let d = 0, a = i * dim, b = j * dim; d < dim; d++) s += data[a + d]! * data[b + d]!;
  return s;
}

/** Faces that repeat an earlier face exactly, from each face's nearest neighbours. */
function duplicateOf(knn: KnnGraph): Int32Array {
  const { n, k, indices, sims } = knn;
  const first = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    for (let j = 1; j <= k; j++) {
      const o = i * (k + 1) + j;
      if (sims![o]! < DUPLICATE_COSINE) break;
      first[i] = Math.min(first[i]!, indices[o]!);
    }
  }
  // chains of copies resolve to their first member
  for (let i = 0; i < n; i++) first[i] = first[first[i]!]!;
  return first;
}

/**
 * x = −ln(1 − cosine) of random pairs of distinct faces (all pairs when few), skipping pairs that
 * `sameGroup` joins; sorted.
 */
function pairValues(unit: Features, representatives: Int32Array, wanted: number, seed: number, sameGroup?: Int32Array): Float64Array {
  const m = representatives.length, dim = unit.dim;
  const out: number[] = [];
  const take = (a: number, b: number) => {
    if (sameGroup && sameGroup[a] === sameGroup[b]) return;
    const s = dot(unit.data, dim, a, b);
    if (s < DUPLICATE_COSINE) out.push(-Math.log(1 - Math.max(-1, s)));
  };
  if ((m * (m - 1)) / 2 <= wanted) {
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) take(representatives[i]!, representatives[j]!);
  } else {
    const random = seededRandom(seed);
    for (let t = 0; t < wanted; t++) {
      const i = Math.floor(random() * m);
      let j = Math.floor(random() * (m - 1));
      if (j >= i) j++;
      take(representatives[i]!, representatives[j]!);
    }
  }
  return Float64Array.from(out).sort();
}

/** The cosine above which a face expects `alpha` impostors among `distinct − 1` others. */
function cutFor(model: ImpostorModel, distinct: number, alpha: number): number {
  const z = normalQuantile(1 - Math.min(0.5, alpha / (distinct - 1)));
  return 1 - Math.exp(-(model.location + model.scale * z));
}

/**
 * The link threshold of a collection (see the module's comment). `unit`: the faces as unit rows;
 * `knn`: their kNN graph with similarities (for duplicates, and the first grouping).
 */
export function estimateLinkThreshold(unit: Features, knn: KnnGraph, options: LinkThresholdOptions = {}): LinkThreshold {
  const o = { ...LINK_THRESHOLD_DEFAULTS, ...options };
  similaritiesOf(knn);
  if (!(o.alpha > 0 && o.alpha < 1)) fail('BAD_OPTION', `alpha must be between 0 and 1, not ${o.alpha}`);
  const first = duplicateOf(knn);
  const representatives = Int32Array.from(first.keys()).filter((i) => first[i] === i);
  const distinct = representatives.length;
  if (distinct === 1) return { threshold: DUPLICATE_COSINE, how: 'all identical', distinct, location: 0, scale: 0 };
  const model = o.descriptors ?? recognizeDescriptors(unit);
  const prior = model === undefined ? undefined : descriptorPrior(model);
  if (prior) {
    const cut = Math.min(DUPLICATE_COSINE, Math.max(0, cutFor(prior, distinct, o.alpha)));
    return { threshold: cut, how: 'prior', descriptors: modelName(model!), distinct, ...prior };
  }
  if (distinct < MIN_DISTINCT_FACES) return { threshold: DUPLICATE_COSINE, how: 'too few faces', distinct, location: 0, scale: 0 };
  // first pass: median and lower quartile of x, where genuine pairs (high x) hardly reach and
  // strays (low x, a few percent of pairs) move little
  const all = pairValues(unit, representatives, o.pairs, o.seed);
  const median = quantile(all, 0.5);
  const lowerScale = (median - quantile(all, 0.25)) / -normalQuantile(0.25);
  const firstCut = clampCut(cutFor({ location: median, scale: lowerScale }, distinct, o.alpha), all);
  // second pass: only pairs the first cut's grouping keeps apart, median and lower quartile again
  // (with few people, the pairs of two look-alike people make a hump above the median)
  const groups = groupAt(knn, firstCut, o.seed);
  const apart = pairValues(unit, representatives, o.pairs, o.seed + 1, groups);
  if (apart.length < 2) return { threshold: firstCut, how: 'collection', distinct, location: median, scale: lowerScale };
  const location = quantile(apart, 0.5);
  const scale = (location - quantile(apart, 0.25)) / -normalQuantile(0.25);
  return { threshold: clampCut(cutFor({ location, scale }, distinct, o.alpha), apart), how: 'collection', distinct, location, scale };
}

/** A cut between the impostors' median and the duplicates: never below 0, always below 1. */
function clampCut(cut: number, sortedX: Float64Array): number {
  const medianCosine = 1 - Math.exp(-quantile(sortedX, 0.5));
  return Math.min(DUPLICATE_COSINE, Math.max(0, medianCosine, Number.isFinite(cut) ? cut : DUPLICATE_COSINE));
}

/** Infomap's grouping of the kNN links at or above `cut` (one trial). */
function groupAt(knn: KnnGraph, cut: number, seed: number): Int32Array {
  const kept = knnEdges(knn, cut);
  return infomap(knn.n, kept.src, kept.dst, kept.score, { trials: 1, seed }).labels;
}
