import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carryPeople, exportLabels, groupPeople, packDescriptors, recordAnswer, withMoves } from '../../web/people.js';

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

test('packDescriptors: rows one after another, their width from the first; none is an empty table', () => {
  const { data, dim } = packDescriptors([Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6)]);
  assert.equal(dim, 3);
  assert.deepEqual([...data], [1, 2, 3, 4, 5, 6]);
  const none = packDescriptors([]);
  assert.equal(none.data.length, 0);
  assert.equal(none.dim, 128);
});

test('recordAnswer: the pair kept as a must- or cannot-link; earlier moves of its faces dropped only where they say otherwise', () => {
  const answers = { mustLink: [[0, 1]] as [number, number][], cannotLink: [] as [number, number][] };
  // faces 2 and 3 were moved together by the user (person 7)
  const moves = new Map([[2, 7], [3, 7], [5, 1]]);
  const personOf = [0, 0, 7, 7, 1, 1];
  const no = recordAnswer(answers, moves, personOf, [2, 3], false);
  assert.deepEqual(no.answers, { mustLink: [[0, 1]], cannotLink: [[2, 3]] });
  assert.deepEqual([...no.moves], [[5, 1]], 'the moves that said "one person" go');
  const yes = recordAnswer(answers, moves, personOf, [2, 3], true);
  assert.deepEqual(yes.answers.mustLink, [[0, 1], [2, 3]]);
  assert.deepEqual([...yes.moves], [...moves], 'the moves agree: they stay');
  // faces apart, and said to be apart: nothing of the moves goes
  assert.deepEqual([...recordAnswer(answers, moves, personOf, [3, 4], false).moves], [...moves]);
  // the inputs are left as they were
  assert.deepEqual(answers, { mustLink: [[0, 1]], cannotLink: [] });
  assert.equal(moves.size, 3);
});
