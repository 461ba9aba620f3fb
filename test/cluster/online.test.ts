import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlineGrouping } from '../../src/cluster/index.js';
import type { KnnGraph } from '../../src/types.js';

test('hand-worked online grouping: founders, joiners, waiting faces', () => {
  // 5 faces, K = 2. Distances: 0–1 0.05, 1–2 0.08, 3 is 0.3 from everyone, 4 is 0.09 from 2.
  const knn: KnnGraph = {
    n: 5, k: 2,
    indices: Int32Array.of(0, 1, 2, 1, 0, 2, 2, 1, 4, 3, 0, 1, 4, 2, 1),
    sims: Float32Array.of(1, 0.95, 0.85, 1, 0.95, 0.92, 1, 0.92, 0.91, 1, 0.7, 0.7, 1, 0.91, 0.8),
  };
  // max distance 0.1, 3 matches to found a person:
  // face 0: matches {0, 1} (2 < 3) → waits; face 1: matches {1, 0, 2} → founds person A;
  // face 2: nearest match with a person is 1 → A; face 3: no match → waits;
  // face 4: matches {4, 2}, 2 is in A → A. At the end 0 joins A via 1; 3 stays alone.
  assert.deepEqual([...onlineGrouping(knn, { maxDistance: 0.1, minMatches: 3 })], [0, 0, 0, 1, 0]);
  // a tighter distance: 0–1 (0.05) is the only match; with minMatches 2 face 0 founds it
  assert.deepEqual([...onlineGrouping(knn, { maxDistance: 0.06, minMatches: 2 })], [0, 0, 1, 2, 3]);
  assert.throws(() => onlineGrouping({ ...knn, sims: undefined } as KnnGraph, { maxDistance: 0.1, minMatches: 1 }), /needs kNN similarities/);
});
