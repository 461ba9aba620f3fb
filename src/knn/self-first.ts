/**
 * Writes kNN row `row` (width w) with the face itself in column 0, then the other candidates in
 * their order. Exact duplicates can rank above the face itself; when the face is not among its
 * own candidates at all, the last candidate makes room for it (similarity 1). It goes to row
 * `outRow` of the outputs (default `row`).
 */
export function placeSelfFirst(row: number, ids: ArrayLike<number>, sims: ArrayLike<number>,
  indices: Int32Array, outSims: Float32Array, w: number, outRow = row): void {
  let self = -1;
  for (let j = 0; j < w; j++) if (ids[j] === row) { self = j; break; }
  const base = outRow * w;
  indices[base] = row;
  outSims[base] = self < 0 ? 1 : sims[self]!;
  let col = 1;
  for (let j = 0; j < w && col < w; j++) {
    if (j === self) continue;
    indices[base + col] = ids[j]!;
    outSims[base + col] = sims[j]!;
    col++;
  }
}
