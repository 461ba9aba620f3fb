import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poolPairs } from '../../src/cluster/pairs.js';
import { rescoreEdges } from '../../src/cluster/rescore.js';
import type { ScoredEdges } from '../../src/types.js';

const edges = (list: [number, number, number][]): ScoredEdges => ({
  src: Int32Array.from(list, (e) => e[0]), dst: Int32Array.from(list, (e) => e[1]), score: Float64Array.from(list, (e) => e[2]),
});
const triples = (e: ScoredEdges) => [...e.src].map((s, i) => [s, e.dst[i], e.score[i]]);

test('rescoreEdges: a link stays when its pair scores at least the cut (the mean of both directions) or was not scored, with its own weight', () => {
  const kept = edges([[0, 1, 0.9], [1, 0, 0.9], [2, 3, 0.8], [4, 5, 0.95], [3, 6, 0.85]]);
  // 0–1: 0.9 and 0.7, mean 0.8; 2–3: one direction, 0.01; 3–6: 0.5 exactly; 4–5: not scored
  const gcn = poolPairs(edges([[0, 1, 0.9], [1, 0, 0.7], [3, 2, 0.01], [6, 3, 0.5], [0, 2, 0.99]]), 7, 'avg');
  assert.deepEqual(triples(rescoreEdges(kept, gcn, 7, 0.5)), [[0, 1, 0.9], [1, 0, 0.9], [4, 5, 0.95], [3, 6, 0.85]]);
  assert.deepEqual(triples(rescoreEdges(kept, gcn, 7, 0.81)), [[4, 5, 0.95]]);
  assert.deepEqual(triples(rescoreEdges(kept, gcn, 7, 0.8)), [[0, 1, 0.9], [1, 0, 0.9], [4, 5, 0.95]]);
  assert.deepEqual(triples(rescoreEdges(kept, gcn, 7, 0)), triples(kept));
  // a link the GCN likes but the graph does not hold is never added
  assert.ok(!triples(rescoreEdges(kept, gcn, 7, 0)).some(([a, b]) => a === 0 && b === 2));
});

test('rescoreEdges: no links, no scores, one face', () => {
  const none = edges([]);
  assert.equal(rescoreEdges(none, poolPairs(edges([[0, 1, 0.1]]), 2, 'avg'), 2, 0.5).src.length, 0);
  assert.deepEqual(triples(rescoreEdges(edges([[0, 1, 0.9]]), poolPairs(none, 2, 'avg'), 2, 0.5)), [[0, 1, 0.9]]);
  assert.equal(rescoreEdges(none, poolPairs(none, 1, 'avg'), 1, 0.5).src.length, 0);
});

test('rescoreEdges against a brute-force lookup on random graphs', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let trial = 0; trial < 20; trial++) {
    const n = 2 + Math.floor(rand() * 30);
    const make = (m: number) => edges(Array.from({ length: m }, () => [Math.floor(rand() * n), Math.floor(rand() * n), rand()] as [number, number, number]).filter(([a, b]) => a !== b));
    const kept = make(Math.floor(rand() * 60)), scored = make(Math.floor(rand() * 120));
    const cut = rand();
    const brute = triples(kept).filter(([a, b]) => {
      const both = triples(scored).filter(([s, d]) => (s === a && d === b) || (s === b && d === a));
      if (both.length === 0) return true;
      // poolPairs' avg is a running mean in input order: 0.5·(old + new)
      let p = both[0]![2]!;
      for (const x of both.slice(1)) p = 0.5 * (p + x[2]!);
      return p >= cut;
    });
    assert.deepEqual(triples(rescoreEdges(kept, poolPairs(scored, n, 'avg'), n, cut)), brute);
  }
});
