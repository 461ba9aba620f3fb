import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { keepConstraints, mustLinkGroups, poolPairs } from '../../src/cluster/index.js';

// faces 0..3 one cluster (links 0–1 strong, 2–3 weak), faces 4, 5 another, face 6 alone
const links: [number, number, number][] = [[0, 1, 0.95], [0, 2, 0.9], [1, 3, 0.8], [2, 3, 0.3], [4, 5, 0.9]];
const pairs = poolPairs({ src: Int32Array.from(links, (l) => l[0]), dst: Int32Array.from(links, (l) => l[1]), score: Float64Array.from(links, (l) => l[2]) }, 7,
  'avg');
const labels = Int32Array.of(5, 5, 5, 5, 9, 9, 2);

test('a must-link merges the two clusters it joins; nothing else moves', () => {
  const r = keepConstraints(labels, pairs, { mustLink: [[5, 6]] });
  assert.deepEqual([...r.labels], [0, 0, 0, 0, 1, 1, 1]);
  assert.equal(r.merged, 1);
  assert.equal(r.split, 0);
  // a must-link inside a cluster changes nothing
  assert.deepEqual([...keepConstraints(labels, pairs, { mustLink: [[0, 3]] }).labels], [0, 0, 0, 0, 1, 1, 2]);
});

test('a cannot-link splits its cluster at the weakest links; a must-link across them holds it together', () => {
  // 0 ≠ 3: 0–1 joins, 0–2 joins, 1–3 would join 0 and 3: refused; 2–3 likewise
  assert.deepEqual([...keepConstraints(labels, pairs, { cannotLink: [[0, 3]] }).labels], [0, 0, 0, 1, 2, 2, 3]);
  // 0 ≠ 3 but 2 = 3 by the user: the must-link is joined first, so 0–2 is the union refused and 1 stays with 0
  assert.deepEqual([...keepConstraints(labels, pairs, { cannotLink: [[0, 3]], mustLink: [[2, 3]] }).labels], [0, 0, 1, 1, 2, 2, 3]);
});

test('a cannot-link after a must-link merge: the merged cluster splits again where the user said', () => {
  // 5 = 6 merges {4, 5} with {6}; 4 ≠ 6 then takes 6 off with its must-linked partner 5, leaving 4
  const r = keepConstraints(labels, pairs, { mustLink: [[5, 6]], cannotLink: [[4, 6]] });
  assert.notEqual(r.labels[4], r.labels[6]);
  assert.equal(r.labels[5], r.labels[6]);
});

test('constraints that contradict, or name faces out of range, are clear errors', () => {
  assert.throws(() => mustLinkGroups(7, { mustLink: [[0, 1], [1, 2]], cannotLink: [[2, 0]] }), (e) => e instanceof FaceclusterError && /faces 2 and 0 are marked as different people, and as one person/.test(e.message));
  assert.throws(() => mustLinkGroups(7, { mustLink: [[0, 7]] }), /must-link pair, \[0,7\], does not name two faces in 0..6/);
  assert.throws(() => mustLinkGroups(7, { cannotLink: [[-1, 2]] }), /cannot-link pair/);
  assert.throws(() => mustLinkGroups(7, { mustLink: [[0, 1.5 as number]] }), /must-link pair/);
  // two faces of one photo cannot be one person
  assert.throws(() => keepConstraints(labels, pairs, { mustLink: [[0, 4]] }, Int32Array.of(1, 2, 3, 4, 1, 5, 6)), /faces 0 and 4 are in one photo/);
});

test('degenerate: no constraints, a pair of one face with itself, one face', () => {
  assert.deepEqual([...keepConstraints(labels, pairs).labels], [...labels]);
  assert.deepEqual([...keepConstraints(labels, pairs, { mustLink: [[3, 3]] }).labels], [0, 0, 0, 0, 1, 1, 2]);
  assert.throws(() => keepConstraints(labels, pairs, { cannotLink: [[3, 3]] }), /faces 3 and 3 are marked as different people/);
  assert.deepEqual([...keepConstraints(Int32Array.of(4), poolPairs({ src: new Int32Array(0), dst: new Int32Array(0), score: new Float64Array(0) }, 1, 'avg'),
    { mustLink: [[0, 0]] }).labels], [0]);
});
