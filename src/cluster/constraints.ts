/**
 * A user's answers, kept by every clustering: pairs of faces that are one person (must-link)
 * and pairs that are not (cannot-link), on top of the rule that faces of one photo are
 * different people. Applied after any method, so that a new clustering, new faces or a changed
 * default keep every answer: clusters holding a must-linked pair's faces are merged, then a
 * cluster holding a cannot-linked pair (or two faces of one photo) is rebuilt from its own
 * links, the must-links first (see splitCannotLinks).
 */
import { fail } from '../errors.js';
import { splitCannotLinks } from './cannot-link.js';
import type { PairScores } from './pairs.js';
import { relabelByFirstMember } from '../labels.js';
import { UnionFind } from './union-find.js';

export type FacePair = readonly [number, number];

export interface Constraints {
  /** Pairs of faces that are one person. */
  mustLink?: readonly FacePair[];
  /** Pairs of faces that are different people. */
  cannotLink?: readonly FacePair[];
}

/** How many constraints there are, both kinds. */
export function constraintCount(c: Constraints | undefined): number {
  return (c?.mustLink?.length ?? 0) + (c?.cannotLink?.length ?? 0);
}

/**
 * The groups must-links make (a union-find over the faces), after checking every pair names a
 * face in 0..n−1 and that no cannot-linked pair, and no two faces of one photo, are in one group.
 */
export function mustLinkGroups(n: number, constraints: Constraints, photos?: Int32Array): UnionFind {
  const check = (kind: string, pair: FacePair) => {
    if (!(Array.isArray(pair) && pair.length === 2 && pair.every((i) => Number.isInteger(i) && i >= 0 && i < n))) {
      fail('BAD_OPTION', `a ${kind} pair, [${String(pair)}], does not name two faces in 0..${n - 1}`);
    }
  };
  const groups = new UnionFind(n);
  for (const pair of constraints.mustLink ?? []) {
    check('must-link', pair);
    groups.union(pair[0], pair[1]);
  }
  for (const pair of constraints.cannotLink ?? []) {
    check('cannot-link', pair);
    if (groups.find(pair[0]) === groups.find(pair[1])) fail('BAD_VALUE', `faces ${pair[0]} and ${pair[1]} are marked as different people, and as one person through must-links`);
  }
  if (photos) {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (photos[i]! < 0) continue;
      const key = `${groups.find(i)}:${photos[i]}`;
      const other = seen.get(key);
      if (other !== undefined) fail('BAD_VALUE', `faces ${other} and ${i} are in one photo, and marked as one person through must-links`);
      seen.set(key, i);
    }
  }
  return groups;
}

/**
 * Labels that keep the constraints: clusters joined by a must-link merge, then clusters with a
 * cannot-linked pair or two faces of one photo split along `pairs` (the links the clustering was
 * made from). Returns labels 0, 1, … by first member when anything changed, with how many
 * clusters were merged away and split off.
 */
export function keepConstraints(labels: Int32Array, pairs: PairScores, constraints: Constraints = {},
  photos?: Int32Array): { labels: Int32Array; merged: number; split: number } {
  const n = labels.length;
  if (photos && photos.length !== n) fail('SHAPE_MISMATCH', `${photos.length} photo numbers for ${n} faces`);
  mustLinkGroups(n, constraints, photos);
  const must = constraints.mustLink ?? [];
  let merged = 0;
  let out = labels;
  if (must.length > 0) {
    // union the clusters of must-linked faces (labels may be any integers: number them first)
    const cluster = relabelByFirstMember(labels);
    const clusters = new UnionFind(n);
    for (const [a, b] of must) clusters.union(cluster[a]!, cluster[b]!);
    const before = new Set(cluster).size;
    out = relabelByFirstMember(Int32Array.from(cluster, (c) => clusters.find(c)));
    merged = before - new Set(out).size;
  }
  const cannot = constraints.cannotLink ?? [];
  if (!photos && cannot.length === 0) return { labels: out, merged, split: 0 };
  // the must-links are the strongest links of all: a split never parts them (mustLinkGroups checked they can stay together)
  const withMust = must.length === 0 ? pairs : appendPairs(pairs, must, Infinity);
  const r = splitCannotLinks(out, photos, withMust, cannot);
  return { labels: r.labels, merged, split: r.split };
}

/** The pairs with `extra` appended at `score` (typed arrays, not spread: links may number millions). */
function appendPairs(pairs: PairScores, extra: readonly FacePair[], score: number): PairScores {
  const m = pairs.a.length;
  const a = new Int32Array(m + extra.length), b = new Int32Array(m + extra.length), s = new Float64Array(m + extra.length);
  a.set(pairs.a);
  b.set(pairs.b);
  s.set(pairs.score);
  extra.forEach(([x, y], e) => { a[m + e] = x; b[m + e] = y; s[m + e] = score; });
  return { a, b, score: s };
}
