/**
 * The online grouping that photo servers such as Immich use to form people, as a baseline.
 * Faces are taken in order. A face's matches are the faces (itself included) within cosine
 * distance `maxDistance`; it joins the person of its nearest match that already has one, else
 * it starts a new person when it has at least `minMatches` matches, else it waits. Waiting faces
 * are retried once at the end (joining the nearest match's person if any appeared); the rest
 * stay alone. Matches are looked up in the kNN graph, so at most K neighbours are seen.
 */
import { fail } from '../errors.js';
import type { KnnGraph } from '../types.js';
import { relabelByFirstMember } from '../labels.js';

export interface OnlineOptions {
  /** Cosine distance (1 − similarity) within which two faces match. */
  maxDistance: number;
  /** Matches (the face included) a face needs to found a person (Immich: 3). */
  minMatches: number;
}

export function onlineGrouping(knn: KnnGraph, options: OnlineOptions): Int32Array {
  const { maxDistance, minMatches } = options;
  if (!knn.sims) fail('BAD_VALUE', 'online grouping needs kNN similarities');
  if (!(maxDistance >= 0)) fail('BAD_OPTION', `max distance must be ≥ 0, got ${maxDistance}`);
  if (!Number.isInteger(minMatches) || minMatches < 1) fail('BAD_OPTION', `min matches must be a positive integer, got ${minMatches}`);
  const { n, k, indices, sims } = knn;
  const w = k + 1;
  const person = new Int32Array(n).fill(-1);
  let people = 0;
  const nearestPerson = (i: number): number => {
    for (let j = 1; j < w && 1 - sims[i * w + j]! <= maxDistance; j++) {
      const p = person[indices[i * w + j]!]!;
      if (p >= 0) return p;
    }
    return -1;
  };
  const waiting: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = nearestPerson(i);
    if (p >= 0) {
      person[i] = p;
      continue;
    }
    let matches = 1;
    while (matches < w && 1 - sims[i * w + matches]! <= maxDistance) matches++;
    if (matches >= minMatches) person[i] = people++;
    else waiting.push(i);
  }
  for (const i of waiting) person[i] = nearestPerson(i);
  // faces nobody took are people of their own
  for (let i = 0; i < n; i++) if (person[i]! < 0) person[i] = people++;
  return relabelByFirstMember(person);
}
