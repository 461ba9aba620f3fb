import assert from 'node:assert/strict';
import { test } from 'node:test';
import { infomap, mapEquation } from '../../src/cluster/index.js';
import { FaceclusterError } from '../../src/errors.js';
import { rng, samePartition } from '../helpers.js';

type Edge = [number, number, number];
const run = (n: number, edges: Edge[], trials = 3) => infomap(n, edges.map((e) => e[0]), edges.map((e) => e[1]), edges.map((e) => e[2]), { trials });
const L = (n: number, edges: Edge[], modules: number[]) => mapEquation(n, edges.map((e) => e[0]), edges.map((e) => e[1]), edges.map((e) => e[2]), modules);
const log2 = Math.log2;

test('map equation, worked by hand: two triangles joined by one edge', () => {
  const edges: Edge[] = [[0, 1, 1], [1, 2, 1], [0, 2, 1], [3, 4, 1], [4, 5, 1], [3, 5, 1], [2, 3, 1]];
  // strengths 2 2 3 3 2 2, total 14: p = s / 14; each triangle exits along the bridge at 1/14
  const p = [2, 2, 3, 3, 2, 2].map((s) => s / 14);
  const H = -p.reduce((a, x) => a + x * log2(x), 0);
  const q = 1 / 14;
  const split = 2 * q * log2(2 * q) - 2 * 2 * q * log2(q) + H + 2 * (q + 0.5) * log2(q + 0.5);
  assert.ok(Math.abs(L(6, edges, [0, 0, 0, 1, 1, 1]) - split) < 1e-12);
  assert.ok(Math.abs(split - 2.3207303568) < 1e-9);
  // one module: only the node codebook, H(p)
  assert.ok(Math.abs(L(6, edges, [0, 0, 0, 0, 0, 0]) - H) < 1e-12);
  const r = run(6, edges);
  assert.deepEqual([...r.labels], [0, 0, 0, 1, 1, 1]);
  assert.ok(Math.abs(r.codelength - split) < 1e-12);
  assert.ok(Math.abs(r.oneModuleCodelength - H) < 1e-12);
});

test('map equation, worked by hand: a pair is one module (1 bit), apart it costs 3 bits', () => {
  assert.ok(Math.abs(L(2, [[0, 1, 5]], [0, 0]) - 1) < 1e-12);
  assert.ok(Math.abs(L(2, [[0, 1, 5]], [0, 1]) - 3) < 1e-12);
  assert.deepEqual([...run(2, [[0, 1, 5]]).labels], [0, 0]);
});

test('self-loops add to their node\'s flow (counted twice, as in degrees) and never exit', () => {
  // s0 = 2·1 + 1 = 3, s1 = 1: p = (0.75, 0.25); apart, each module exits at 1/4
  const edges: Edge[] = [[0, 0, 1], [0, 1, 1]];
  const H = -(0.75 * log2(0.75) + 0.25 * log2(0.25));
  assert.ok(Math.abs(L(2, edges, [0, 0]) - H) < 1e-12);
  assert.ok(Math.abs(L(2, edges, [0, 1]) - (0.5 * log2(0.5) - 4 * 0.25 * log2(0.25) + H + 0.5 * log2(0.5))) < 1e-12);
  assert.deepEqual([...run(2, edges).labels], [0, 0]);
  // with self-loops on a bridge of triangles, light or heavy, Infomap still finds the best partition of all
  for (const loop of [0.5, 10]) {
    const tri: Edge[] = [[0, 1, 1], [1, 2, 1], [0, 2, 1], [3, 4, 1], [4, 5, 1], [3, 5, 1], [2, 3, 1], [0, 0, loop], [4, 4, loop / 2]];
    let best = Infinity;
    for (const part of partitions(6)) best = Math.min(best, L(6, tri, part));
    assert.ok(Math.abs(run(6, tri).codelength - best) < 1e-12);
  }
});

test('isolated nodes stay alone; the empty graph and edgeless graphs', () => {
  const r = run(5, [[0, 1, 1]]);
  assert.deepEqual([...r.labels], [0, 0, 1, 2, 3]);
  assert.ok(Math.abs(r.codelength - 1) < 1e-12);
  const empty = run(0, []);
  assert.equal(empty.labels.length, 0);
  assert.equal(empty.codelength, 0);
  assert.deepEqual([...run(3, []).labels], [0, 1, 2]);
  // zero-weight edges carry no flow
  assert.deepEqual([...run(3, [[0, 1, 0], [1, 2, 0]]).labels], [0, 1, 2]);
});

test('two cliques joined by one edge; a ring of cliques; disconnected parts never share a module', () => {
  const cliques = (count: number, size: number, ring: boolean): Edge[] => {
    const e: Edge[] = [];
    for (let c = 0; c < count; c++) {
      for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) e.push([c * size + i, c * size + j, 1]);
      if (ring || c + 1 < count) e.push([c * size, ((c + 1) % count) * size + 1, 1]);
    }
    return e;
  };
  assert.deepEqual([...run(10, cliques(2, 5, false)).labels], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  const ring = run(60, cliques(12, 5, true));
  assert.deepEqual([...ring.labels], Array.from({ length: 60 }, (_, i) => Math.floor(i / 5)));
  assert.ok(ring.codelength < ring.oneModuleCodelength);
  // two separate triangles and a pair
  const parts = run(8, [[0, 1, 1], [1, 2, 1], [0, 2, 1], [3, 4, 1], [4, 5, 1], [3, 5, 1], [6, 7, 1]]);
  assert.deepEqual([...parts.labels], [0, 0, 0, 1, 1, 1, 2, 2]);
});

/** Every partition of 0..n−1 as restricted growth strings. */
function* partitions(n: number): Generator<number[]> {
  const a = new Array<number>(n).fill(0);
  function* rec(i: number, max: number): Generator<number[]> {
    if (i === n) { yield a.slice(); return; }
    for (let v = 0; v <= max + 1; v++) { a[i] = v; yield* rec(i + 1, Math.max(max, v)); }
  }
  if (n === 0) yield [];
  else { a[0] = 0; yield* rec(1, 0); }
}

test('seeded random graphs of 4–8 nodes: Infomap finds the shortest codelength of all partitions (brute force)', (t) => {
  const r = rng(11);
  let optimal = 0;
  const graphs = 40;
  for (let g = 0; g < graphs; g++) {
    const n = 4 + (g % 5);
    const edges: Edge[] = [];
    // two or three planted groups with random inner and sparse outer links
    const group = Array.from({ length: n }, () => Math.floor(r() * (2 + (g % 2))));
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const inside = group[i] === group[j];
      if (r() < (inside ? 0.8 : 0.2)) edges.push([i, j, 0.2 + r()]);
    }
    let best = Infinity;
    for (const part of partitions(n)) best = Math.min(best, L(n, edges, part));
    const found = run(n, edges);
    assert.ok(Math.abs(found.codelength - L(n, edges, [...found.labels])) < 1e-12, 'the reported codelength is the partition\'s');
    assert.ok(found.codelength >= best - 1e-12);
    if (found.codelength <= best + 1e-9) optimal++;
  }
  // a greedy search is not exhaustive, but on graphs this small it should almost never miss
  t.diagnostic(`optimal on ${optimal} of ${graphs} graphs`);
  assert.ok(optimal >= graphs - 1, `optimal on ${optimal} of ${graphs} graphs`);
});

test('planted communities in a larger graph are recovered, the same for every seed order of edges', () => {
  const r = rng(5);
  const n = 400, edges: Edge[] = [];
  const truth = Array.from({ length: n }, (_, i) => Math.floor(i / 20));
  for (let i = 0; i < n; i++) for (let d = 0; d < 8; d++) {
    const j = r() < 0.9 ? truth[i]! * 20 + Math.floor(r() * 20) : Math.floor(r() * n);
    edges.push([i, j, 0.5 + r()]);
  }
  const a = run(n, edges);
  assert.ok(samePartition(a.labels, truth));
  // the graph is undirected: listing edges the other way round changes nothing
  const b = run(n, edges.map(([i, j, w]) => [j, i, w]));
  assert.deepEqual([...b.labels], [...a.labels]);
});

test('bad edges and options are refused with a FaceclusterError', () => {
  assert.throws(() => run(2, [[0, 2, 1]]), FaceclusterError);
  assert.throws(() => run(2, [[0, 1, -1]]), FaceclusterError);
  assert.throws(() => run(2, [[0, 1, NaN]]), FaceclusterError);
  assert.throws(() => infomap(2, [0], [1], [1], { trials: 0 }), FaceclusterError);
  assert.throws(() => infomap(2, [0], [1, 0], [1]), FaceclusterError);
});

test('edges at the bounds: ids n and −1 and fractions refused, each array\'s length checked; 0 and n − 1 taken', () => {
  const refusedAs = (re: RegExp) => (e: unknown) => e instanceof FaceclusterError && re.test(e.message);
  for (const [a, b] of [[3, 0], [0, 3], [-1, 1], [1, -1], [0.5, 1], [1, 1.5]]) {
    assert.throws(() => run(3, [[0, 1, 1], [a!, b!, 1]]), refusedAs(new RegExp(`edge 1 joins ${a} and ${b}, outside 0\\.\\.2`)), `${a}–${b}`);
  }
  assert.throws(() => infomap(2, [0, 1], [1], [1, 1]), refusedAs(/edge arrays of lengths 2, 1, 2/));
  assert.throws(() => infomap(2, [0], [1], [1, 1]), refusedAs(/edge arrays of lengths 1, 1, 2/));
  assert.throws(() => run(2, [[0, 1, Infinity]]), refusedAs(/edge 0 has weight Infinity/));
  assert.deepEqual([...run(3, [[0, 2, 1], [2, 0, 1]]).labels], [0, 1, 0]);
  assert.throws(() => mapEquation(2, [0], [1], [1], [0]), refusedAs(/1 module numbers for 2 nodes/));
});

test('zero-weight links and self-loops join nothing: the partition and code are those of the graph without them, parallel edges add up', () => {
  // two triangles, and zero-weight links between them and to a fourth group
  const triangles: Edge[] = [[0, 1, 1], [1, 2, 1], [0, 2, 1], [3, 4, 1], [4, 5, 1], [3, 5, 1], [2, 3, 0.1]];
  const plain = run(7, triangles);
  const withZeros = run(7, [...triangles, [0, 3, 0], [5, 6, 0], [1, 4, 0], [6, 0, 0]]);
  assert.deepEqual([...withZeros.labels], [...plain.labels]);
  assert.equal(withZeros.codelength, plain.codelength);
  assert.deepEqual([...plain.labels], [0, 0, 0, 1, 1, 1, 2]);
  // an edge listed twice, or in both directions, is one edge of the summed weight
  const doubled: Edge[] = triangles.flatMap((e) => [[e[0], e[1], e[2] / 2], [e[1], e[0], e[2] / 2]] as Edge[]);
  assert.ok(Math.abs(L(7, doubled, [0, 0, 0, 1, 1, 1, 2]) - L(7, triangles, [0, 0, 0, 1, 1, 1, 2])) < 1e-12);
  assert.deepEqual([...run(7, doubled).labels], [...plain.labels]);
});
