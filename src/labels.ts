/** Cluster labels: any integer per face, one number a cluster. */

/** The labels renumbered 0, 1, … in order of each cluster's first face. */
export function relabelByFirstMember(ids: ArrayLike<number>): Int32Array {
  const map = new Map<number, number>();
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    let l = map.get(ids[i]!);
    if (l === undefined) {
      l = map.size;
      map.set(ids[i]!, l);
    }
    out[i] = l;
  }
  return out;
}

/** The size of each cluster of labels numbered 0..m−1 (as relabelByFirstMember numbers them). */
export function clusterSizes(dense: Int32Array): number[] {
  const sizes: number[] = [];
  for (const l of dense) sizes[l] = (sizes[l] ?? 0) + 1;
  return sizes;
}
