/** The page's state (web/state.ts): each change from a state to the next, without a browser. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Question } from '../../src/review/questions.js';
import { cancelAsked, cancelled, clearSelection, clustered, clusterAgain, facesFound, failed, galleries, initialState, isBusy, loaded, moveSelected,
  openQuestions, peopleOf, photosGiven, rename, replyToQuestion, selectedApart, toggleFace, type PageState, type StateFace } from '../../web/state.js';

const face = (image: string, ...descriptor: number[]): StateFace => ({ record: { image, box: [0, 0, 1, 1], score: 1 },
  descriptor: Float32Array.from(descriptor) });
const same = (a: number, b: number): Question => ({ kind: 'same', faces: [a, b], p: 0.5, gain: 1 } as unknown as Question);

/** The page after photos a.jpg, b.jpg gave four faces clustered as [0, 0, 1, 2]. */
function clusteredPage(): PageState<StateFace, string> {
  let s = loaded(initialState<StateFace, string>()).state;
  s = photosGiven(s, ['a.jpg', 'b.jpg']).state;
  s = facesFound(s, [face('a.jpg', 1, 0), face('a.jpg', 0, 1), face('b.jpg', 1, 1), face('b.jpg', 0, 0)]);
  s = clusterAgain(s).state;
  return clustered(s, Int32Array.of(0, 0, 1, 2), [same(2, 3), same(0, 2)]).state;
}

test('photos given while loading or busy wait; they start when the models load, and after the clustering', () => {
  let s = initialState<StateFace, string>();
  assert.equal(s.phase, 'loading');
  let step = photosGiven(s, ['a.jpg']);
  assert.equal(step.request, undefined);
  assert.deepEqual(step.state.queue, ['a.jpg']);
  step = loaded(step.state);
  assert.deepEqual(step.request, { type: 'embed', files: ['a.jpg'] });
  assert.equal(step.state.phase, 'working');
  assert.deepEqual(step.state.queue, []);
  assert.ok(isBusy(step.state));
  // more photos while working wait for the clustering to come back
  s = photosGiven(step.state, ['b.jpg', 'c.jpg']).state;
  assert.deepEqual(s.queue, ['b.jpg', 'c.jpg']);
  s = facesFound(s, [face('a.jpg', 3, 4)]);
  const asked = clusterAgain(s);
  assert.equal(asked.request?.type, 'cluster');
  if (asked.request?.type !== 'cluster') return;
  assert.deepEqual([...asked.request.descriptors], [3, 4]);
  assert.equal(asked.request.dim, 2);
  assert.deepEqual(asked.request.images, ['a.jpg']);
  const back = clustered(asked.state, Int32Array.of(0), []);
  assert.deepEqual(back.request, { type: 'embed', files: ['b.jpg', 'c.jpg'] });
  assert.deepEqual(back.state.clustered, [0]);
  // no photos: nothing starts; a failed page starts nothing
  assert.equal(photosGiven(loaded(initialState()).state, []).request, undefined);
  assert.equal(photosGiven(failed(loaded(initialState()).state), ['x']).request, undefined);
});

test('a clustering keeps person ids, names and moves; galleries list people largest first, then the faces seen once', () => {
  let s = clusteredPage();
  assert.equal(s.phase, 'done');
  assert.deepEqual(s.clustered, [0, 0, 1, 2]);
  assert.equal(s.nextPerson, 3);
  s = rename(s, 0, '  Ann ');
  assert.deepEqual(galleries(s), { people: [{ person: 0, faces: [0, 1], name: 'Ann' }], once: [2, 3] });
  // face 3 moved to a new person with face 2, then the faces clustered again the other way round: ids follow the overlaps
  s = moveSelected(toggleFace(toggleFace(s, 3), 2), 'new');
  assert.deepEqual(peopleOf(s), [0, 0, 3, 3]);
  assert.equal(s.nextPerson, 4);
  assert.deepEqual(s.selected, []);
  s = clustered(clusterAgain(s).state, Int32Array.of(5, 5, 6, 7), []).state;
  assert.deepEqual(s.clustered, [0, 0, 1, 2]);
  assert.deepEqual(peopleOf(s), [0, 0, 3, 3], 'the moves stay on top');
  assert.deepEqual(galleries(s).people.map((g) => g.name), ['Ann', 'Person 2']);
  // an empty name gives the person its default name back
  assert.equal(galleries(rename(s, 0, ' ')).people[0]!.name, 'Person 1');
  // moved to an existing person
  const moved = moveSelected(toggleFace(s, 2), 0);
  assert.deepEqual(peopleOf(moved), [0, 0, 0, 3]);
  assert.equal(moved.nextPerson, s.nextPerson);
});

test('the selection: at most the last two faces picked; a second pick of one unselects it', () => {
  let s = clusteredPage();
  for (const f of [0, 1, 2]) s = toggleFace(s, f);
  assert.deepEqual(s.selected, [1, 2]);
  assert.deepEqual(toggleFace(s, 1).selected, [2]);
  assert.deepEqual(clearSelection(s).selected, []);
});

test('answers: "not the same person" on two selected faces and replies to questions become constraints and cluster again; skip sets a question aside', () => {
  let s = clusteredPage();
  assert.deepEqual(openQuestions(s).map((q) => q.faces), [[2, 3], [0, 2]]);
  // a skip shows the next question; nothing is sent
  const skipped = replyToQuestion(s, 'skip');
  assert.equal(skipped.request, undefined);
  assert.deepEqual(openQuestions(skipped.state).map((q) => q.faces), [[0, 2]]);
  // yes to the next one: a must-link, and the faces clustered again with it
  const yes = replyToQuestion(skipped.state, 'yes');
  assert.equal(yes.request?.type, 'cluster');
  assert.deepEqual(yes.state.answers, { mustLink: [[0, 2]], cannotLink: [] });
  if (yes.request?.type === 'cluster') assert.deepEqual(yes.request.constraints, yes.state.answers);
  // while busy, no answer is taken
  assert.deepEqual(replyToQuestion(yes.state, 'no'), { state: yes.state });
  s = clustered(yes.state, Int32Array.of(0, 0, 0, 1), []).state;
  s = toggleFace(toggleFace(s, 0), 1);
  const apart = selectedApart(s);
  assert.deepEqual(apart.state.answers, { mustLink: [[0, 2]], cannotLink: [[0, 1]] });
  assert.deepEqual(apart.state.selected, []);
  assert.equal(apart.request?.type, 'cluster');
  // one face selected: nothing to answer
  assert.deepEqual(selectedApart(toggleFace(clearSelection(s), 0)).request, undefined);
  // no question left: a reply does nothing
  assert.equal(replyToQuestion(s, 'yes').request, undefined);
});

test('cancel: only a batch at work; the batch\'s faces are dropped (for their thumbnails to go) and the queue emptied', () => {
  const before = clusteredPage();
  assert.equal(cancelAsked(before), before, 'nothing at work');
  let s = photosGiven(before, ['c.jpg']).state;
  s = facesFound(s, [face('c.jpg', 2, 2)]);
  s = photosGiven(s, ['d.jpg']).state;
  s = cancelAsked(s);
  assert.equal(s.phase, 'cancelling');
  assert.ok(isBusy(s));
  const { state, dropped } = cancelled(s);
  assert.equal(state.phase, 'done');
  assert.deepEqual(state.faces, before.faces);
  assert.deepEqual(dropped.map((f) => f.record.image), ['c.jpg']);
  assert.deepEqual(state.queue, []);
  // a first batch cancelled: back to idle, no faces
  const first = cancelled(cancelAsked(photosGiven(loaded(initialState<StateFace, string>()).state, ['a.jpg']).state));
  assert.equal(first.state.phase, 'idle');
  assert.deepEqual(first.state.faces, []);
});
