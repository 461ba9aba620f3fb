import { fail } from '../errors.js';
import type { KnnGraph } from '../types.js';

/** The kNN graph's cosine similarities; an error where the graph came without them (indices only). */
export function similaritiesOf(knn: KnnGraph): Float32Array {
  return knn.sims ?? fail('BAD_VALUE', 'the kNN graph has no similarities');
}
