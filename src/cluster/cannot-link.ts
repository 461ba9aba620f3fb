/**
 * Faces in one photo are different people. A cluster holding two faces of the same photo is
 * rebuilt from its own links, strongest first, refusing any union that would put two faces of
 * one photo together (Kruskal with cannot-link constraints): the cluster splits at its weakest
 * links instead of keeping the impossible pair. Other clusters are left as they are.
 */
import type { PairScores } from './pairs.js';
import { relabelByFirstMember } from './propagation.js';
import { UnionFind } from './union-find.js';

/**
 * `photo[i]` identifies the photo of face i (−1: unknown, never in conflict); `pairs` are the
 * pooled links the clustering was made from. Returns new labels (0, 1, … by lowest member).
 */
export function splitCannotLinks(labels: Int32Array, photo: Int32Array, pairs: PairScores): { labels: Int32Array; split: number } {
  const n = labels.length;
  // clusters with a conflict: two members from one photo
  const seen = new Map<string, number>();
  const conflicted = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (photo[i]! < 0) continue;
    const key = `${labels[i]}:${photo[i]}`;
    if (seen.has(key)) conflicted.add(labels[i]!);
    else seen.set(key, i);
  }
  if (conflicted.size === 0) return { labels, split: 0 };
  const uf = new UnionFind(n);
  // faces of each set's photos; only faces in conflicted clusters take part
  const photos = new Map<number, Set<number>>();
  for (let i = 0; i < n; i++) {
    if (!conflicted.has(labels[i]!)) continue;
    photos.set(i, new Set(photo[i]! >= 0 ? [photo[i]!] : []));
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
      if (c === undefined) compact.set(labels[i]!, (c = compact.size));
      key[i] = n + c;
    }
  }
  const out = relabelByFirstMember(key);
  const before = new Set(labels).size, after = new Set(out).size;
  return { labels: out, split: after - before };
}
