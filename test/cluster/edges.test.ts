/** The small pieces under every method: kNN links as edges, edge cuts, components, disjoint sets; by hand and against brute force. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { edgesAbove, knnEdges, onlineGrouping, poolPairs, propagate, thresholdComponents, UnionFind } from '../../src/cluster/index.js';
import { FaceclusterError } from '../../src/errors.js';
import { rng } from '../helpers.js';

const list = (e: { src: Int32Array; dst: Int32Array; score: Float64Array }) => [...e.src].map((s, i) => [s, e.dst[i], e.score[i]]);

test('knnEdges: every link but self, in row order, with its cosine; minScore keeps those at or above it; no similarities, no edges', () => {
  const knn = { n: 3, k: 2, indices: Int32Array.of(0, 2, 1, 1, 0, 2, 2, 0, 1), sims: Float32Array.of(1, 0.5, 0.25, 1, 0.75, 0.5, 1, 0.5, 0.25) };
  assert.deepEqual(list(knnEdges(knn)), [[0, 2, 0.5], [0, 1, 0.25], [1, 0, 0.75], [1, 2, 0.5], [2, 0, 0.5], [2, 1, 0.25]]);
  assert.deepEqual(list(knnEdges(knn, 0.5)), [[0, 2, 0.5], [1, 0, 0.75], [1, 2, 0.5], [2, 0, 0.5]]);
  assert.deepEqual(list(knnEdges(knn, 0.76)), []);
  assert.deepEqual(list(knnEdges({ n: 1, k: 0, indices: Int32Array.of(0), sims: Float32Array.of(1) })), []);
  assert.throws(() => knnEdges({ n: 3, k: 2, indices: knn.indices }), (e: unknown) => e instanceof FaceclusterError && /no similarities/.test(e.message));
});

test('edgesAbove keeps edges at or above the cut, in order; thresholdComponents joins their faces, labels by lowest member', () => {
  const edges = { src: Int32Array.of(0, 3, 1, 4, 2), dst: Int32Array.of(1, 4, 2, 5, 5), score: Float64Array.of(0.9, 0.5, 0.5, 0.49, 0.1) };
  assert.deepEqual(list(edgesAbove(edges, 0.5)), [[0, 1, 0.9], [3, 4, 0.5], [1, 2, 0.5]]);
  assert.deepEqual(list(edgesAbove(edges, 1)), []);
  assert.deepEqual(list(edgesAbove(edges, -1)), list(edges));
  // at 0.5: {0, 1, 2}, {3, 4}, {5}, {6}
  assert.deepEqual([...thresholdComponents(edges, 7, 0.5)], [0, 0, 0, 1, 1, 2, 3]);
  // at 0.1: everything but 6 is one component; at 0.95 nothing is joined
  assert.deepEqual([...thresholdComponents(edges, 7, 0.1)], [0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...thresholdComponents(edges, 7, 0.95)], [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...thresholdComponents({ src: new Int32Array(0), dst: new Int32Array(0), score: new Float64Array(0) }, 0, 0)], []);
});

test('UnionFind: the components of random unions equal a brute-force flood fill; sizes add up; equal sizes keep the lower root; reset', () => {
  const random = rng(11);
  for (let trial = 0; trial < 20; trial++) {
    const n = 1 + Math.floor(random() * 60);
    const uf = new UnionFind(n);
    const adj: number[][] = Array.from({ length: n }, () => []);
    for (let u = 0; u < n; u++) {
      const a = Math.floor(random() * n), b = Math.floor(random() * n);
      uf.union(a, b);
      adj[a]!.push(b); adj[b]!.push(a);
    }
    const comp = new Int32Array(n).fill(-1);
    for (let s = 0; s < n; s++) {
      if (comp[s] !== -1) continue;
      const stack = [s];
      comp[s] = s;
      while (stack.length) for (const v of adj[stack.pop()!]!) if (comp[v] === -1) { comp[v] = s; stack.push(v); }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(uf.find(i) === uf.find(j), comp[i] === comp[j]);
    for (let i = 0; i < n; i++) {
      const r = uf.find(i);
      assert.equal(uf.size[r], [...comp].filter((c) => c === comp[i]).length, 'a root holds its component\'s size');
    }
  }
  const uf = new UnionFind(5);
  uf.union(3, 1);
  assert.deepEqual([uf.find(3), uf.find(1)], [1, 1], 'equal sizes: the lower root');
  uf.union(4, 1);
  uf.union(0, 4);
  assert.equal(uf.find(0), 1, 'the larger set\'s root stays');
  // roots 1 ({0, 1, 3, 4}) and 2 (alone)
  assert.deepEqual([...uf.size].filter((_, i) => uf.parent[i] === i), [4, 1]);
  uf.reset(2);
  assert.deepEqual([uf.parent[2], uf.size[2]], [2, 1]);
});

test('option and edge bounds of propagation, pooling and the online grouping: the edge of each range taken, one step past it refused', () => {
  const edges = { src: Int32Array.of(0, 1), dst: Int32Array.of(1, 2), score: Float64Array.of(0.9, 0.8) };
  const badOption = (re: RegExp) => (e: unknown) => e instanceof FaceclusterError && e.code === 'BAD_OPTION' && re.test(e.message);
  assert.deepEqual([...propagate(edges, 3, { maxSize: 1, step: 1 })], [0, 1, 2]);
  assert.deepEqual([...propagate(edges, 3, { maxSize: 3, step: 0.6, minScore: -1 })], [0, 0, 0]);
  for (const maxSize of [0, 1.5, Number.NaN]) assert.throws(() => propagate(edges, 3, { maxSize }), badOption(/max size must be a positive integer/), String(maxSize));
  for (const step of [0, 1.01, -0.5, Number.NaN]) assert.throws(() => propagate(edges, 3, { step }), badOption(/step must be in \(0, 1\]/), String(step));
  for (const minScore of [Number.NaN, Infinity]) assert.throws(() => propagate(edges, 3, { minScore }), badOption(/min score must be a number/), String(minScore));
  // pooling: every array one length, every node in [0, n)
  assert.throws(() => poolPairs({ ...edges, dst: Int32Array.of(1) }, 3, 'avg'), (e: unknown) => e instanceof FaceclusterError && /differ in length \(2, 1, 2\)/.test(e.message));
  assert.throws(() => poolPairs({ ...edges, score: Float64Array.of(1) }, 3, 'avg'), (e: unknown) => e instanceof FaceclusterError && /differ in length \(2, 2, 1\)/.test(e.message));
  for (const [s, d] of [[3, 0], [0, 3], [-1, 0], [0, -1]]) {
    assert.throws(() => poolPairs({ src: Int32Array.of(0, s!), dst: Int32Array.of(1, d!), score: Float64Array.of(1, 1) }, 3, 'max'),
      (e: unknown) => e instanceof FaceclusterError && new RegExp(`edge 1 \\(${s}, ${d}\\) has a node outside \\[0, 3\\)`).test(e.message));
  }
  // the online grouping: a match at exactly maxDistance counts; maxDistance 0 and minMatches 1 are allowed
  const knn = { n: 3, k: 2, indices: Int32Array.of(0, 1, 2, 1, 0, 2, 2, 1, 0), sims: Float32Array.of(1, 0.75, 0.5, 1, 0.75, 0.5, 1, 0.5, 0.5) };
  assert.deepEqual([...onlineGrouping(knn, { maxDistance: 0.25, minMatches: 2 })], [0, 0, 1]);
  assert.deepEqual([...onlineGrouping(knn, { maxDistance: 0.2, minMatches: 2 })], [0, 1, 2]);
  assert.deepEqual([...onlineGrouping(knn, { maxDistance: 0, minMatches: 1 })], [0, 1, 2]);
  assert.deepEqual([...onlineGrouping(knn, { maxDistance: 0.5, minMatches: 3 })], [0, 0, 0]);
  for (const maxDistance of [-0.01, Number.NaN]) assert.throws(() => onlineGrouping(knn, { maxDistance, minMatches: 2 }), badOption(/max distance must be ≥ 0/));
  for (const minMatches of [0, 2.5]) assert.throws(() => onlineGrouping(knn, { maxDistance: 0.1, minMatches }), badOption(/min matches must be a positive integer/));
});
