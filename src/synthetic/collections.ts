/**
 * Collections in the shapes personal photo libraries have, built from a source of people's
 * faces: a few people with hundreds of faces each, strangers (one face each), small albums,
 * a long tail of sizes, plus strays (descriptors of no face: random unit vectors) and exact
 * duplicates (the same photo imported twice). `npm run bench:library` measures the default
 * clustering on each; the tests use them for degenerate inputs.
 *
 * A source gives any number of faces of a person. `realPeople` serves a labelled split's own
 * faces first and, past them, new faces made by residual transfer: the person's mean plus the
 * deviation of a random face of another person from that person's mean, so that spread within
 * a person keeps the descriptor model's real shape (not a Gaussian's). `syntheticPeople` draws
 * people from src/synthetic's model of ArcFace-like descriptors (look-alike families).
 */
import { seededRandom, shuffledRange } from '../random.js';
import { gaussianSampler, shuffleRows, SYNTHETIC_DEFAULTS, unitInPlace, type LabelledFaces } from './index.js';

export type { LabelledFaces } from './index.js';

export interface PeopleSource {
  dim: number;
  /** People available (indices 0..people−1), most faces first where the source has real faces. */
  people: number;
  /** How many real faces person p has (Infinity for a synthetic source). */
  realFaces(p: number): number;
  /** Face `index` of person p, a new unit vector. */
  face(p: number, index: number, random: () => number): Float32Array;
}

/** A labelled split as a source of people, most photographed first; faces past a person's own are made by residual transfer. */
export function realPeople(split: LabelledFaces): PeopleSource {
  const { dim, data } = split.features;
  const rows = new Map<number, number[]>();
  split.labels.forEach((l, i) => { const r = rows.get(l); if (r) r.push(i); else rows.set(l, [i]); });
  const people = [...rows.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  const means = people.map((r) => {
    const m = new Float32Array(dim);
    for (const i of r) for (let d = 0; d < dim; d++) m[d]! += data[i * dim + d]! / r.length;
    return m;
  });
  // residuals of people with two faces or more, scaled by √(n/(n−1)) to undo the mean's own pull
  const residuals: Float32Array[] = [];
  people.forEach((r, p) => {
    if (r.length < 2) return;
    const scale = Math.sqrt(r.length / (r.length - 1));
    for (const i of r) residuals.push(Float32Array.from({ length: dim }, (_, d) => (data[i * dim + d]! - means[p]![d]!) * scale));
  });
  return {
    dim,
    people: people.length,
    realFaces: (p) => people[p]!.length,
    face(p, index, random) {
      const own = people[p]!;
      if (index < own.length) return data.slice(own[index]! * dim, (own[index]! + 1) * dim);
      const r = residuals[Math.floor(random() * residuals.length)]!;
      return unitInPlace(Float32Array.from({ length: dim }, (_, d) => means[p]![d]! + r[d]!));
    },
  };
}

/** People drawn from src/synthetic's descriptor model: identity centres in look-alike families (SYNTHETIC_DEFAULTS). */
export function syntheticPeople(options: { dim: number; people: number; seed: number; noise?: number; familySpread?: number }): PeopleSource {
  const { dim } = options;
  const g = gaussianSampler(seededRandom(options.seed));
  const noiseSd = (options.noise ?? SYNTHETIC_DEFAULTS.noise) / Math.sqrt(dim);
  const familySd = (options.familySpread ?? SYNTHETIC_DEFAULTS.familySpread) / Math.sqrt(dim);
  const centres: Float32Array[] = [];
  let family: Float32Array = new Float32Array(dim);
  for (let p = 0; p < options.people; p++) {
    if (p % SYNTHETIC_DEFAULTS.familySize === 0) family = unitInPlace(Float32Array.from({ length: dim }, g));
    centres.push(unitInPlace(family.map((x) => x + familySd * g())));
  }
  return {
    dim,
    people: options.people,
    realFaces: () => Infinity,
    face(p, _index, random) {
      const gr = gaussianSampler(random);
      return unitInPlace(centres[p]!.map((x) => x + noiseSd * gr()));
    },
  };
}

/** `sizes[i]` faces of person `people[i]` of the source, rows shuffled. */
export function collectionOf(source: PeopleSource, people: readonly number[], sizes: readonly number[], seed: number): LabelledFaces {
  const random = seededRandom(seed);
  const n = sizes.reduce((a, b) => a + b, 0);
  const data = new Float32Array(n * source.dim);
  const labels = new Int32Array(n);
  let row = 0;
  people.forEach((p, i) => {
    for (let f = 0; f < sizes[i]!; f++, row++) {
      data.set(source.face(p, f, random), row * source.dim);
      labels[row] = i;
    }
  });
  return shuffleRows({ features: { n, dim: source.dim, data }, labels }, random);
}

/** Log-uniform whole numbers in [lo, hi]. */
function logUniform(random: () => number, lo: number, hi: number): number {
  return Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))));
}

/** A family's library: `people` people with `min` to `max` faces each (log-uniform), the source's most photographed people. */
export function manyFacesEach(source: PeopleSource, options: { people: number; min: number; max: number; seed: number }): LabelledFaces {
  const random = seededRandom(options.seed);
  const people = Array.from({ length: options.people }, (_, i) => i);
  return collectionOf(source, people, people.map(() => logUniform(random, options.min, options.max)), options.seed + 1);
}

/**
 * A household's library: `people` people with `min` to `max` faces each (log-uniform), the
 * source's most photographed, and a long tail of `tail` others with 1 to `tailMax` faces each.
 */
export function family(source: PeopleSource,
  options: { people: number; min: number; max: number; tail: number; tailMax: number; seed: number }): LabelledFaces {
  const random = seededRandom(options.seed);
  const main = Array.from({ length: options.people }, (_, i) => i);
  const others = Array.from(shuffledRange(source.people - options.people, random).subarray(0, options.tail), (p) => p + options.people);
  const sizes = [...main.map(() => logUniform(random, options.min, options.max)), ...others.map(() => logUniform(random, 1, options.tailMax))];
  return collectionOf(source, [...main, ...others], sizes, options.seed + 1);
}

/** One face each of `n` different people. */
export function strangers(source: PeopleSource, options: { n: number; seed: number }): LabelledFaces {
  const people = Array.from(shuffledRange(source.people, seededRandom(options.seed)).subarray(0, options.n));
  return collectionOf(source, people, people.map(() => 1), options.seed + 1);
}

/**
 * A small album: `minFaces` to `maxFaces` faces of 2 to 8 people picked among those with at
 * least `minReal` real faces, sizes from a long tail (a few people most of the faces).
 */
export function album(source: PeopleSource, options: { minFaces: number; maxFaces: number; seed: number; minReal?: number }): LabelledFaces {
  const random = seededRandom(options.seed);
  const total = options.minFaces + Math.floor(random() * (options.maxFaces - options.minFaces + 1));
  const eligible: number[] = [];
  for (let p = 0; p < source.people; p++) if (source.realFaces(p) >= (options.minReal ?? 2)) eligible.push(p);
  const count = Math.min(eligible.length, 2 + Math.floor(random() * 7));
  const order = shuffledRange(eligible.length, random);
  const people = Array.from({ length: count }, (_, i) => eligible[order[i]!]!);
  const weights = people.map(() => (1 - random()) ** -1);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.round((w / sum) * total)));
  return collectionOf(source, people, sizes, options.seed + 1);
}

/** The collection with `fraction` of its size added as strays: random unit vectors, each its own label. */
export function withStrays(c: LabelledFaces, fraction: number, seed: number): LabelledFaces {
  const random = seededRandom(seed);
  const g = gaussianSampler(random);
  const { n, dim } = c.features;
  const extra = Math.round(n * fraction);
  const data = new Float32Array((n + extra) * dim);
  data.set(c.features.data);
  for (let i = 0; i < extra; i++) data.set(unitInPlace(Float32Array.from({ length: dim }, g)), (n + i) * dim);
  // a loop, not Math.max(...labels): spreading a large array overflows the call stack
  let next = 0;
  for (const l of c.labels) next = Math.max(next, l + 1);
  const labels = Int32Array.from({ length: n + extra }, (_, i) => (i < n ? c.labels[i]! : next++));
  return shuffleRows({ features: { n: n + extra, dim, data }, labels }, random);
}

/** The collection with `fraction` of its faces present twice (exact copies, same label). */
export function withDuplicates(c: LabelledFaces, fraction: number, seed: number): LabelledFaces {
  const random = seededRandom(seed);
  const { n, dim } = c.features;
  const copies = shuffledRange(n, random).subarray(0, Math.round(n * fraction));
  const data = new Float32Array((n + copies.length) * dim);
  data.set(c.features.data);
  const labels = new Int32Array(n + copies.length);
  labels.set(c.labels);
  copies.forEach((r, i) => {
    data.set(c.features.data.subarray(r * dim, (r + 1) * dim), (n + i) * dim);
    labels[n + i] = c.labels[r]!;
  });
  return shuffleRows({ features: { n: n + copies.length, dim, data }, labels }, random);
}
