/**
 * Faces in one photo are different people, and so are two faces a user marked as "not the same
 * person". A cluster holding such a pair is rebuilt from its own links, strongest first,
 * refusing any union that would put a pair together (Kruskal with cannot-link constraints): the
 * cluster splits at its weakest links instead of keeping the impossible pair. Other clusters are
 * left as they are. Constraints are tags: a photo is a tag on each of its faces, a marked pair a
 * tag of its own on both faces; two faces that share a tag may not share a cluster.
 */
import type { PairScores } from './pairs.js';
import { relabelByFirstMember } from '../labels.js';
import { UnionFind } from './union-find.js';

/**
 * `photo[i]` identifies the photo of face i (−1: unknown, never in conflict); `apart` lists
 * pairs of faces marked as different people; `pairs` are the pooled links the clustering was
 * made from. Returns new labels (0, 1, … by lowest member).
 */
export function splitCannotLinks(labels: Int32Array, photo: Int32Array | undefined, pairs: PairScores, apart: readonly (readonly [number,
  number])[] = []): { labels: Int32Array; split: number } {
  const n = labels.length;
  // each face's tags: its photo, and one per marked pair it is in (numbered after the photos)
  const tagsOf: number[][] = Array.from({ length: n }, (_, i) => (photo && photo[i]! >= 0 ? [photo[i]!] : []));
  // (a loop, not Math.max(...photo): spreading a million numbers overflows the call stack)
  let next = photo ? photo.reduce((max, p) => Math.max(max, p), -1) + 1 : 0;
  for (const [a, b] of apart) {
    if (a === b) continue;
    tagsOf[a]!.push(next);
    tagsOf[b]!.push(next++);
  }
  // clusters with a conflict: two members sharing a tag
  const seen = new Set<string>();
  const conflicted = new Set<number>();
  for (let i = 0; i < n; i++) {
    for (const tag of tagsOf[i]!) {
      const key = `${labels[i]}:${tag}`;
      if (seen.has(key)) conflicted.add(labels[i]!);
      else seen.add(key);
    }
  }
  if (conflicted.size === 0) return { labels, split: 0 };
  const uf = new UnionFind(n);
  // tags of each set's faces; only faces in conflicted clusters take part
  const photos = new Map<number, Set<number>>();
  for (let i = 0; i < n; i++) {
    if (!conflicted.has(labels[i]!)) continue;
    photos.set(i, new Set(tagsOf[i]));
  }
  const inside: number[] = [];
  for (let e = 0; e < pairs.a.length; e++) {
    const a = pairs.a[e]!, b = pairs.b[e]!;
    if (labels[a] === labels[b] && conflicted.has(labels[a]!)) inside.push(e);
  }
  inside.sort((x, y) => pairs.score[y]! - pairs.score[x]! || x - y);
  for (const e of inside) {
    const ra = uf.find(pairs.a[e]!), rb = uf.find(pairs.b[e]!);
    if (ra === rb) continue;
    const pa = photos.get(ra)!, pb = photos.get(rb)!;
    const [small, large] = pa.size <= pb.size ? [pa, pb] : [pb, pa];
    let clash = false;
    for (const p of small) if (large.has(p)) { clash = true; break; }
    if (clash) continue;
    uf.union(ra, rb);
    const root = uf.find(ra);
    for (const p of small) large.add(p);
    photos.set(root, large);
  }
  // untouched clusters keep their members together: key them by label, the rest by their new set
  const compact = new Map<number, number>();
  const key = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (conflicted.has(labels[i]!)) key[i] = uf.find(i);
    else {
      let c = compact.get(labels[i]!);
      if (c === undefined) { c = compact.size; compact.set(labels[i]!, c); }
      key[i] = n + c;
    }
  }
  const out = relabelByFirstMember(key);
  const before = new Set(labels).size, after = new Set(out).size;
  return { labels: out, split: after - before };
}
