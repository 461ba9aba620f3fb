/** mulberry32: a small, fast, seedable generator of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of 0..n−1 driven by `random`. */
export function shuffledRange(n: number, random: () => number): Int32Array {
  return shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), random);
}

/** Fisher–Yates shuffle of `p` in place, driven by `random`; returns `p`. */
export function shuffleInPlace(p: Int32Array, random: () => number): Int32Array {
  for (let i = p.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
