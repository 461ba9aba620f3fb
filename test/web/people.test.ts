import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carryPeople, exportLabels, groupPeople, withMoves } from '../../web/people.js';

test('the page\'s people: ids carried over a new clustering by largest overlap, moves on top, groups largest first', () => {
  // before: faces 0-2 person 5, faces 3-4 person 7; the new clustering splits 0-2 and joins 3-4 with a new face 5
  const carried = carryPeople([5, 5, 5, 7, 7], Int32Array.of(0, 0, 1, 2, 2, 2), 10);
  assert.deepEqual(carried.personOf, [5, 5, 10, 7, 7, 7]);
  assert.equal(carried.nextId, 11);
  // each id goes to one cluster only: two clusters both overlapping person 5, the larger keeps it
  assert.deepEqual(carryPeople([5, 5, 5], Int32Array.of(1, 0, 0), 8).personOf, [8, 5, 5]);
  const moved = withMoves([5, 5, 10, 7, 7, 7], new Map([[2, 5], [3, 12]]));
  assert.deepEqual(moved, [5, 5, 5, 12, 7, 7]);
  assert.deepEqual(groupPeople(moved), [{ person: 5, faces: [0, 1, 2] }, { person: 7, faces: [4, 5] }, { person: 12, faces: [3] }]);
  assert.deepEqual(Array.from(exportLabels(moved)), [0, 0, 0, 1, 2, 2]);
});
