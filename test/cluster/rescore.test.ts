import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addConfidentLinks } from '../../src/cluster/rescore.js';
import type { KnnGraph, ScoredEdges } from '../../src/types.js';

const edges = (list: [number, number, number][]): ScoredEdges => ({
  src: Int32Array.from(list, (e) => e[0]), dst: Int32Array.from(list, (e) => e[1]), score: Float64Array.from(list, (e) => e[2]),
});
const triples = (e: ScoredEdges) => [...e.src].map((s, i) => [s, e.dst[i], e.score[i]]);

// 4 faces, k = 2: each row is the face itself, then its two neighbours
const knn: KnnGraph = {
  n: 4, k: 2,
  indices: Int32Array.of(0, 1, 2, 1, 0, 3, 2, 3, 0, 3, 2, 1),
  sims: Float32Array.of(1, 0.9, 0.5, 1, 0.9, 0.25, 1, 0.75, 0.5, 1, 0.75, -0.25),
};

test('addConfidentLinks: the links the GCN scores at the cut or more join the kept ones, weighted by their cosine, once', () => {
  const kept = edges([[0, 1, 0.9], [1, 0, 0.9]]);
  const scored = edges([[0, 1, 0.99], [0, 2, 0.95], [1, 0, 0.2], [1, 3, 0.5], [2, 3, 0.9], [2, 0, 0.1], [3, 2, 0.89], [3, 1, 0.97]]);
  assert.deepEqual(triples(addConfidentLinks(kept, scored, knn, 0.9)), [[0, 1, 0.9], [1, 0, 0.9], [0, 2, 0.5], [2, 3, 0.75], [3, 1, 0]]);
  assert.deepEqual(triples(addConfidentLinks(kept, scored, knn, 0.96)), [[0, 1, 0.9], [1, 0, 0.9], [3, 1, 0]]);
  assert.deepEqual(triples(addConfidentLinks(kept, scored, knn, 1)), triples(kept));
  // a kept link the GCN doubts stays: the second opinion only adds
  assert.ok(triples(addConfidentLinks(kept, scored, knn, 0.9)).some(([a, b]) => a === 1 && b === 0));
});

test('addConfidentLinks: no links, a link outside the kNN row, self-links, a graph without similarities', () => {
  assert.equal(addConfidentLinks(edges([]), edges([]), knn, 0.5).src.length, 0);
  assert.deepEqual(triples(addConfidentLinks(edges([]), edges([[0, 3, 0.99], [2, 2, 1]]), knn, 0.5)), []);
  assert.throws(() => addConfidentLinks(edges([]), edges([]), { ...knn, sims: undefined }, 0.5), /no similarities/);
});

test('addConfidentLinks against brute force on random graphs', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let trial = 0; trial < 20; trial++) {
    const n = 3 + Math.floor(rand() * 20), k = 1 + Math.floor(rand() * (n - 1));
    const indices = new Int32Array(n * (k + 1)), sims = new Float32Array(n * (k + 1));
    for (let i = 0; i < n; i++) {
      const others = [...Array(n).keys()].filter((j) => j !== i).sort(() => rand() - 0.5).slice(0, k);
      [i, ...others].forEach((j, r) => { indices[i * (k + 1) + r] = j; sims[i * (k + 1) + r] = r === 0 ? 1 : 2 * rand() - 1; });
    }
    const g: KnnGraph = { n, k, indices, sims };
    const links: [number, number, number][] = [];
    for (let i = 0; i < n; i++) for (let r = 1; r <= k; r++) links.push([i, indices[i * (k + 1) + r]!, sims[i * (k + 1) + r]!]);
    const kept = edges(links.filter(() => rand() < 0.3));
    const scored = edges(links.map(([a, b]) => [a, b, rand()]));
    const cut = rand();
    const keptKeys = new Set(triples(kept).map(([a, b]) => `${a} ${b}`));
    const expected = [...triples(kept), ...triples(scored).filter(([a, b, p]) => p! >= cut && !keptKeys.has(`${a} ${b}`))
      .map(([a, b]) => [a, b, Math.max(0, links.find(([x, y]) => x === a && y === b)![2])])];
    assert.deepEqual(triples(addConfidentLinks(kept, scored, g, cut)), expected);
  }
});
