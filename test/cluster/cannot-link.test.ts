import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poolPairs, splitCannotLinks } from '../../src/cluster/index.js';

test('a cluster with two faces of one photo splits at its weakest links; other clusters stay', () => {
  // faces 0..3 form one cluster; 0 and 1 are in photo A. Faces 4, 5 are another cluster.
  const links: [number, number, number][] = [[0, 1, 0.95], [0, 2, 0.9], [1, 3, 0.8], [2, 3, 0.3], [4, 5, 0.9]];
  const edges = { src: Int32Array.from(links, (l) => l[0]), dst: Int32Array.from(links, (l) => l[1]), score: Float64Array.from(links, (l) => l[2]) };
  const photo = Int32Array.of(7, 7, 8, 9, 7, -1); // face 4 is in photo A too, but in another cluster: no conflict
  const r = splitCannotLinks(Int32Array.of(0, 0, 0, 0, 1, 1), photo, poolPairs(edges, 6, 'avg'));
  // 0–1 is refused (one photo); 0–2 and 1–3 join; 2–3 would bring 0 and 1 together: refused
  assert.deepEqual([...r.labels], [0, 1, 0, 1, 2, 2]);
  assert.equal(r.split, 1);
  // photo 1 has faces in two clusters only: nothing to split
  const none = splitCannotLinks(Int32Array.of(0, 0, 0, 0, 1, 1), Int32Array.of(1, 2, 3, 4, 1, 5), poolPairs(edges, 6, 'avg'));
  assert.deepEqual([...none.labels], [0, 0, 0, 0, 1, 1]);
  assert.equal(none.split, 0);
});

test('pairs marked apart split like faces of one photo; each pair is its own constraint', () => {
  const links: [number, number, number][] = [[0, 1, 0.95], [0, 2, 0.9], [1, 3, 0.8], [2, 3, 0.3], [4, 5, 0.9]];
  const edges = { src: Int32Array.from(links, (l) => l[0]), dst: Int32Array.from(links, (l) => l[1]), score: Float64Array.from(links, (l) => l[2]) };
  const labels = Int32Array.of(0, 0, 0, 0, 1, 1);
  // 0 ≠ 1 alone: as the photo case above
  assert.deepEqual([...splitCannotLinks(labels, undefined, poolPairs(edges, 6, 'avg'), [[0, 1]]).labels], [0, 1, 0, 1, 2, 2]);
  // 0 ≠ 3 and 2 ≠ 1: 0–1 joins (no tag shared), 0–2 is refused (2 ≠ 1 once 0, 1 are one), 1–3 refused (0 ≠ 3), 2–3 joins
  assert.deepEqual([...splitCannotLinks(labels, undefined, poolPairs(edges, 6, 'avg'), [[0, 3], [2, 1]]).labels], [0, 0, 1, 1, 2, 2]);
  // a pair in two different clusters already: nothing moves
  const r = splitCannotLinks(labels, undefined, poolPairs(edges, 6, 'avg'), [[0, 4]]);
  assert.deepEqual([...r.labels], [0, 0, 0, 0, 1, 1]);
  assert.equal(r.split, 0);
  // a million faces, each its own photo, faces 0 and 1 one cluster but marked apart: the pair's
  // tag is numbered after every photo
  const n = 1_000_000;
  const many = splitCannotLinks(Int32Array.from({ length: n }, (_, i) => Math.max(0, i - 1)), Int32Array.from({ length: n }, (_, i) => i),
    { a: Int32Array.of(0), b: Int32Array.of(1), score: Float64Array.of(1) }, [[0, 1]]);
  assert.equal(many.split, 1);
  assert.notEqual(many.labels[0], many.labels[1]);
});
