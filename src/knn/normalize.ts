import { fail } from '../errors.js';
import type { Features } from '../types.js';

/** A copy of the features with every row scaled to unit L2 norm; a zero row is an error. */
export function l2Normalize(f: Features, file?: string): Features {
  const { n, dim, data } = f;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = i * dim; j < (i + 1) * dim; j++) ss += data[j]! * data[j]!;
    if (!(ss > 0)) fail('BAD_VALUE', `row ${i} is a zero vector (cosine similarity is undefined)`, file);
    const inv = 1 / Math.sqrt(ss);
    for (let j = i * dim; j < (i + 1) * dim; j++) out[j] = data[j]! * inv;
  }
  return { n, dim, data: out };
}
