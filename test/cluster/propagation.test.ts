import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolPairs, propagate, thresholdComponents } from '../../src/cluster/index.js';
import { npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import type { ScoredEdges } from '../../src/types.js';
import { rng, samePartition, SHARED } from '../helpers.js';

const edges = (list: [number, number, number][]): ScoredEdges => ({
  src: Int32Array.from(list, (e) => e[0]), dst: Int32Array.from(list, (e) => e[1]), score: Float64Array.from(list, (e) => e[2]),
});

test('reproduces the reference partition on the golden propagation set exactly', () => {
  const dir = join(SHARED, 'golden/propagation');
  const pairs = npyToInt32(readNpyView(join(dir, 'edges.npy')));
  const score = npyToFloat64(readNpyView(join(dir, 'scores.npy')));
  const src = Int32Array.from({ length: score.length }, (_, e) => pairs[2 * e]!);
  const dst = Int32Array.from({ length: score.length }, (_, e) => pairs[2 * e + 1]!);
  const want = npyToInt32(readNpyView(join(dir, 'pred_labels.npy')), 'pred_labels', true);
  const got = propagate({ src, dst, score }, 10000, { maxSize: 900, step: 0.6, pool: 'avg' });
  assert.equal(new Set(got).size, 2750);
  assert.ok(samePartition(got, want));
});

test('pooling: avg is the running mean of the seed, max, none keeps the last', () => {
  const e = edges([[2, 1, 0.2], [1, 2, 0.6], [0, 3, 0.5], [1, 2, 1.0], [3, 3, 0.9]]);
  const avg = poolPairs(e, 4, 'avg');
  assert.deepEqual([...avg.a], [0, 1]);
  assert.deepEqual([...avg.b], [3, 2]);
  assert.deepEqual([...avg.score], [0.5, 0.5 * (0.5 * (0.2 + 0.6) + 1.0)]);
  assert.deepEqual([...poolPairs(e, 4, 'max').score], [0.5, 1.0]);
  assert.deepEqual([...poolPairs(e, 4, 'none').score], [0.5, 1.0]);
  assert.throws(() => poolPairs(edges([[0, 9, 1]]), 4, 'avg'), /outside \[0, 4\)/);
});

test('hand-worked split: an oversized chain breaks at its weak links', () => {
  // 0-1 (0.9), 1-2 (0.3), 2-3 (0.95), 3-4 (0.5), 5 alone. Lowest score 0.3;
  // round 2: th = 0.3 + 0.7·0.6 = 0.72 keeps 0-1 and 2-3; component {4} and the rest are ≤ 2.
  const got = propagate(edges([[0, 1, 0.9], [1, 2, 0.3], [2, 3, 0.95], [3, 4, 0.5]]), 6, { maxSize: 2 });
  assert.deepEqual([...got], [0, 0, 1, 1, 2, 3]);
  // with max size 5 the whole chain stays one cluster
  assert.deepEqual([...propagate(edges([[0, 1, 0.9], [1, 2, 0.3], [2, 3, 0.95], [3, 4, 0.5]]), 6, { maxSize: 5 })], [0, 0, 0, 0, 0, 1]);
});

test('terminates when links at score 1 alone exceed the size limit', () => {
  const got = propagate(edges([[0, 1, 1], [1, 2, 1], [2, 3, 0.5]]), 4, { maxSize: 2 });
  assert.deepEqual([...got], [0, 0, 0, 1]);
});

test('no edges: every face is its own cluster', () => {
  assert.deepEqual([...propagate(edges([]), 3)], [0, 1, 2]);
  assert.deepEqual([...thresholdComponents(edges([]), 3, 0.5)], [0, 1, 2]);
});

test('threshold components keep links at or above the threshold', () => {
  const e = edges([[0, 1, 0.5], [1, 2, 0.49], [3, 2, 0.7]]);
  assert.deepEqual([...thresholdComponents(e, 5, 0.5)], [0, 0, 1, 1, 2]);
});

/** The seed's algorithm as written (sets, BFS, a full pass per round), for cross-checking. */
function seedPropagation(e: ScoredEdges, n: number, maxSize: number, step: number): number[][] {
  const key = (a: number, b: number) => `${Math.min(a, b)},${Math.max(a, b)}`;
  const score = new Map<string, number>();
  const links = new Map<number, Set<number>>();
  for (let i = 0; i < e.src.length; i++) {
    const k = key(e.src[i]!, e.dst[i]!);
    const old = score.get(k);
    score.set(k, old === undefined ? e.score[i]! : 0.5 * (old + e.score[i]!));
    if (!links.has(e.src[i]!)) links.set(e.src[i]!, new Set());
    if (!links.has(e.dst[i]!)) links.set(e.dst[i]!, new Set());
    links.get(e.src[i]!)!.add(e.dst[i]!);
    links.get(e.dst[i]!)!.add(e.src[i]!);
  }
  const components = (nodes: Set<number>, th: number | null): [number[][], Set<number>] => {
    const result: number[][] = [], remain = new Set<number>();
    const todo = new Set(nodes);
    for (const start of nodes) {
      if (!todo.has(start)) continue;
      todo.delete(start);
      const group = new Set([start]), queue = [start];
      let valid = true;
      while (queue.length) {
        const v = queue.shift()!;
        const nb = [...links.get(v)!].filter((u) => !group.has(u) && (th === null || score.get(key(u, v))! >= th));
        nb.forEach((u) => { todo.delete(u); group.add(u); queue.push(u); });
        if (group.size > maxSize || nb.some((u) => remain.has(u))) { valid = false; group.forEach((u) => { remain.add(u); }); break; }
      }
      if (valid) result.push([...group]);
    }
    return [result, remain];
  };
  let th = Math.min(...e.score);
  let [comps, remain] = components(new Set(links.keys()), null);
  while (remain.size) {
    th = th + (1 - th) * step;
    const [c, r] = components(remain, th);
    comps = comps.concat(c);
    remain = r;
  }
  for (let v = 0; v < n; v++) if (!links.has(v)) comps.push([v]);
  return comps;
}

test('agrees with a direct port of the seed on random graphs', () => {
  const r = rng(42);
  for (let trial = 0; trial < 30; trial++) {
    const n = 20 + Math.floor(r() * 80);
    const m = Math.floor(n * (0.5 + r() * 3));
    const list: [number, number, number][] = [];
    for (let i = 0; i < m; i++) {
      const a = Math.floor(r() * n), b = Math.floor(r() * n);
      if (a !== b) list.push([a, b, Math.round(r() * 100) / 100]);
    }
    if (list.length === 0) continue;
    const e = edges(list);
    const maxSize = 2 + Math.floor(r() * 10);
    const got = propagate(e, n, { maxSize, step: 0.6, pool: 'avg' });
    const want = new Int32Array(n).fill(-1);
    seedPropagation(e, n, maxSize, 0.6).forEach((c, ci) => { c.forEach((v) => { want[v] = ci; }); });
    assert.ok(samePartition(got, want), `trial ${trial}`);
  }
});

test('minScore drops weak links before the first round: a small collection is not one cluster', () => {
  // two triangles joined by one weak link; 6 faces, far below max size
  const links: [number, number, number][] = [[0, 1, 0.9], [1, 2, 0.8], [0, 2, 0.7], [3, 4, 0.9], [4, 5, 0.95], [3, 5, 0.6], [2, 3, 0.2]];
  const edges = { src: Int32Array.from(links, (l) => l[0]), dst: Int32Array.from(links, (l) => l[1]), score: Float64Array.from(links, (l) => l[2]) };
  assert.deepEqual([...propagate(edges, 6)], [0, 0, 0, 0, 0, 0], 'the seed: everything linked is joined');
  assert.deepEqual([...propagate(edges, 6, { minScore: 0.5 })], [0, 0, 0, 1, 1, 1]);
  assert.deepEqual([...propagate(edges, 6, { minScore: 0.85 })], [0, 0, 1, 2, 2, 2]);
});
