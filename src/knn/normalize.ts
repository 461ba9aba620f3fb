import { fail } from '../errors.js';
import type { Features } from '../types.js';

/** Row i's squared L2 norm. */
function squaredNorm({ dim, data }: Features, i: number): number {
  let ss = 0;
  for (let j = i * dim; j < (i + 1) * dim; j++) ss += data[j]! * data[j]!;
  return ss;
}

/** A copy of the features with every row scaled to unit L2 norm; a zero row is an error. */
export function l2Normalize(f: Features, file?: string): Features {
  const { n, dim, data } = f;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    const ss = squaredNorm(f, i);
    if (!(ss > 0)) fail('BAD_VALUE', `row ${i} is a zero vector (cosine similarity is undefined)`, file);
    const inv = 1 / Math.sqrt(ss);
    for (let j = i * dim; j < (i + 1) * dim; j++) out[j] = data[j]! * inv;
  }
  return { n, dim, data: out };
}

/** How far from 1 a row's norm may be for features said to be unit vectors (float32 rounding of a normalised 512-d row is about 1e-7). */
export const UNIT_NORM_TOLERANCE = 1e-3;

/**
 * The features, after checking that they are what `normalized` says: unit rows. Cosines of rows
 * of other norms are not cosines, and every threshold would be read wrong.
 */
export function checkUnitRows(f: Features, file?: string): Features {
  for (let i = 0; i < f.n; i++) {
    const norm = Math.sqrt(squaredNorm(f, i));
    if (!(Math.abs(norm - 1) <= UNIT_NORM_TOLERANCE)) fail('BAD_VALUE', `the features are said to be unit vectors (normalized), but row ${i} has norm ${norm.toPrecision(4)}`, file);
  }
  return f;
}
