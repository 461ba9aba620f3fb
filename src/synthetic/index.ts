/**
 * Seeded synthetic face-like descriptors for benchmarks and tests: unit vectors around identity
 * centres, identity sizes from a long-tailed (Zipf-like) law, and identities drawn in small
 * families around a shared centre so that related identities are hard negatives.
 */
import { seededRandom, shuffledRange } from '../random.js';
import type { Features } from '../types.js';

export interface SyntheticOptions {
  n: number;
  dim: number;
  seed?: number;
  /** Largest identity (smallest is 2). */
  maxIdentitySize?: number;
  /** Identities per family of look-alikes. */
  familySize?: number;
  /** Spread of faces around their identity centre, relative to the centre's norm. */
  noise?: number;
  /** Spread of identity centres around their family centre. */
  familySpread?: number;
}

export const SYNTHETIC_DEFAULTS = Object.freeze({ seed: 1, maxIdentitySize: 100, familySize: 4, noise: 1.2, familySpread: 0.5 });

/** Standard normal draws from uniform ones (Box–Muller). */
export function gaussianSampler(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Scales v to unit length in place and returns it. */
export function unitInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

/** Faces with the identity of each. */
export interface LabelledFaces {
  features: Features;
  labels: Int32Array;
}

export function syntheticFaces(options: SyntheticOptions): LabelledFaces {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  const r = seededRandom(o.seed);
  const g = gaussianSampler(r);
  const { n, dim } = o;
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const noiseSd = o.noise / Math.sqrt(dim);
  const familySd = o.familySpread / Math.sqrt(dim);
  let row = 0, id = 0;
  let family: Float32Array = new Float32Array(dim);
  while (row < n) {
    if (id % o.familySize === 0) family = unitInPlace(Float32Array.from({ length: dim }, g));
    const centre = unitInPlace(family.map((x) => x + familySd * g()));
    // size ∝ u^-1.5, clipped to [2, max]: many small identities, a few large ones
    const size = Math.min(n - row, Math.max(2, Math.min(o.maxIdentitySize, Math.floor(2 * (1 - r()) ** -1.5))));
    for (let s = 0; s < size; s++, row++) {
      const face = data.subarray(row * dim, (row + 1) * dim);
      for (let d = 0; d < dim; d++) face[d] = centre[d]! + noiseSd * g();
      unitInPlace(face);
      labels[row] = id;
    }
    id++;
  }
  // shuffle rows so that identities are not contiguous
  return shuffleRows({ features: { n, dim, data }, labels }, r);
}

/** Rows and their labels in an order drawn from `random` (a Fisher–Yates permutation). */
export function shuffleRows(c: LabelledFaces, random: () => number): LabelledFaces {
  const { n, dim } = c.features;
  const perm = shuffledRange(n, random);
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    data.set(c.features.data.subarray(perm[i]! * dim, (perm[i]! + 1) * dim), i * dim);
    labels[i] = c.labels[perm[i]!]!;
  }
  return { features: { n, dim, data }, labels };
}
