import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterFaces } from '../../src/pipeline/cluster.js';
import { applyAnswers, parseAnswers, parseQuestions, reviewQuestions, type Question } from '../../src/review/index.js';
import { gaussianSampler, unitInPlace } from '../../src/synthetic/index.js';
import { rng, samePartition } from '../helpers.js';

/** `people` people in 64-d, `each` faces each, tight around well-separated centres; labels by person. */
function people(count: number, each: number, seed: number) {
  const g = gaussianSampler(rng(seed));
  const dim = 64;
  const data = new Float32Array(count * each * dim);
  const truth = new Int32Array(count * each);
  for (let p = 0; p < count; p++) {
    const centre = unitInPlace(Float32Array.from({ length: dim }, g));
    for (let f = 0; f < each; f++) {
      const row = p * each + f;
      data.set(unitInPlace(centre.map((x) => x + 0.1 * g())), row * dim);
      truth[row] = p;
    }
  }
  return { features: { n: count * each, dim, data }, truth };
}

test('a person split in two: the first question asks whether the pieces are one, and a yes merges them', async () => {
  const { features, truth } = people(12, 8, 1);
  // person 0 split into faces 0–3 (cluster 40) and 4–7 (cluster 41); the others right (ids 10, 11, 12)
  const pred = Int32Array.from(truth, (t, i) => (t === 0 ? 40 + Math.floor(i / 4) : 10 + t - 1));
  const questions = await reviewQuestions(features, pred, { descriptors: 'unknown' });
  const first = questions[0]!;
  assert.equal(first.kind, 'same');
  assert.deepEqual([first.kind === 'same' && first.a, first.kind === 'same' && first.b].sort(), [40, 41]);
  assert.ok(first.faces[0] < 8 && first.faces[1] < 8 && pred[first.faces[0]] !== pred[first.faces[1]], 'the two faces show the two pieces');
  questions.forEach((q, i) => { assert.equal(q.id, i); });
  for (let i = 1; i < questions.length; i++) assert.ok(questions[i - 1]!.score >= questions[i]!.score, 'best first');
  const applied = applyAnswers(pred, questions, [{ id: first.id, answer: 'yes' }]);
  assert.ok(samePartition(applied.labels, truth));
  assert.deepEqual(applied.constraints, { mustLink: [first.faces], cannotLink: [] });
  assert.equal(applied.merged, 1);
  // "no" keeps the pieces apart and says so as a cannot-link
  const no = applyAnswers(pred, questions, [{ id: first.id, answer: 'no' }]);
  assert.ok(samePartition(no.labels, pred));
  assert.deepEqual(no.constraints.cannotLink, [first.faces]);
});

test('a stranger in a cluster: the belongs question about it outranks those about the cluster\'s own faces; no moves it out', async () => {
  const { features, truth } = people(3, 8, 2);
  // face 20 (person 2) put in person 0's cluster
  const pred = Int32Array.from(truth, (t, i) => (i === 20 ? 0 : t));
  const questions = await reviewQuestions(features, pred, { descriptors: 'unknown' });
  const belongs = questions.filter((q) => q.kind === 'belongs');
  assert.equal(belongs[0]!.kind === 'belongs' && belongs[0]!.face, 20);
  const q = belongs[0]!;
  assert.ok(q.kind === 'belongs' && q.cluster === 0 && q.next === 2, 'where it fits next: its own person');
  const applied = applyAnswers(pred, questions, [{ id: q.id, answer: 'no' }]);
  assert.ok(samePartition(applied.labels, truth));
  assert.equal(applied.moved, 1);
});

test('a "no" survives re-clustering: the cannot-link splits a cluster the default makes again', async () => {
  const { features } = people(2, 10, 3);
  const first = await clusterFaces(features, { descriptors: 'unknown' });
  // the user says faces 0 and 1 (one cluster) are not one person
  assert.equal(first.labels[0], first.labels[1]);
  const question: Question = { id: 7, kind: 'belongs', face: 0, cluster: first.labels[0]!, faces: [0, 1], part: [0], next: -1, score: 0 };
  const { constraints } = applyAnswers(first.labels, [question], [{ id: 7, answer: 'no' }]);
  const again = await clusterFaces(features, { descriptors: 'unknown', constraints });
  assert.notEqual(again.labels[0], again.labels[1]);
  // and with a must-link to a face of the other person, face 0 goes there, whatever the method
  for (const method of ['infomap', 'threshold', 'online', 'cdp'] as const) {
    const r = await clusterFaces(features, { method, descriptors: 'unknown', constraints: { mustLink: [[0, 15]], cannotLink: [[0, 1]] } });
    assert.equal(r.labels[0], r.labels[15], method);
    assert.notEqual(r.labels[0], r.labels[1], method);
  }
});

test('apply: unknown ids, other answers, clusters not in the clustering and contradictions are clear errors', () => {
  const pred = Int32Array.of(3, 3, 5, 5, 8);
  const questions: Question[] = [
    { id: 0, kind: 'same', a: 3, b: 5, faces: [0, 2], score: 0.1 },
    { id: 1, kind: 'same', a: 5, b: 8, faces: [2, 4], score: 0.1 },
    { id: 2, kind: 'same', a: 3, b: 8, faces: [1, 4], score: 0.1 },
    { id: 3, kind: 'belongs', face: 1, cluster: 3, faces: [1, 0], part: [1], next: 5, score: 0.1 },
  ];
  assert.throws(() => applyAnswers(pred, questions, [{ id: 9, answer: 'yes' }]), /question 9, which is not among the questions/);
  assert.throws(() => applyAnswers(Int32Array.of(3, 3, 6, 6, 8), questions, [{ id: 0, answer: 'yes' }]), /question 0 names cluster 5, which is not in the clustering/);
  assert.throws(() => applyAnswers(Int32Array.of(5, 3, 5, 5, 8), questions, [{ id: 0, answer: 'yes' }]), /question 0: face 0 is not in cluster 3: were the questions asked of another clustering/);
  assert.throws(() => applyAnswers(pred, questions, [{ id: 0, answer: 'yes' }, { id: 1, answer: 'yes' }, { id: 2, answer: 'no' }]), /different people by one answer and one person through must-links|answers disagree/);
  // a "no" to belongs moves face 1 to cluster 5; all yes/no combinations of the rest that agree apply
  const r = applyAnswers(pred, questions, [{ id: 3, answer: 'no' }, { id: 1, answer: 'no' }]);
  assert.deepEqual([...r.labels], [0, 1, 1, 1, 2]);
  assert.throws(() => parseAnswers('[{"id": 0, "answer": "maybe"}]', 'a.json'), /a.json: answer 0 \(question 0\): the answer must be "yes" or "no", not "maybe"/);
  assert.throws(() => parseAnswers('[{"id": 0, "answer": "yes"}, {"id": 0, "answer": "no"}]', 'a.json'), /question 0 is answered twice/);
  assert.throws(() => parseAnswers('{"id": 0}', 'a.json'), /expected \[/);
  assert.throws(() => parseQuestions('{"questions": [{"id": 0, "kind": "split", "faces": [0, 1]}]}', 'q.json'), /q.json: question 0: "kind" must be "same" or "belongs"/);
  assert.throws(() => parseQuestions('{"questions": [{"id": 0, "kind": "same", "a": 1, "b": 2, "faces": [0]}]}', 'q.json'), /"faces" must be two face rows/);
  assert.deepEqual(parseQuestions(JSON.stringify({ questions }), 'q.json'), questions);
});

test('two people merged in one cluster: one belongs question about the smaller one, whose "no" takes all its faces out', async () => {
  const { features, truth } = people(4, 8, 5);
  // person 1's first three faces (8, 9, 10) put in person 0's cluster; person 1's other five stay in theirs
  const pred = Int32Array.from(truth, (t, i) => (i >= 8 && i <= 10 ? 0 : t));
  const questions = await reviewQuestions(features, pred, { descriptors: 'unknown' });
  const partQuestion = questions.find((q) => q.kind === 'belongs' && q.part.length > 1);
  assert.ok(partQuestion?.kind === 'belongs');
  assert.deepEqual(partQuestion.part, [8, 9, 10]);
  assert.ok(partQuestion.part.includes(partQuestion.face) && !partQuestion.part.includes(partQuestion.faces[1]));
  assert.equal(partQuestion.cluster, 0);
  assert.equal(partQuestion.next, 1, 'where the part fits next: the rest of its person');
  // it comes before every question about a single one of its faces, which it makes moot
  const singles = questions.filter((q) => q.kind === 'belongs' && q.part.length === 1 && partQuestion.part.includes(q.face));
  assert.ok(singles.every((q) => q.id > partQuestion.id));
  const applied = applyAnswers(pred, questions, [{ id: partQuestion.id, answer: 'no' }]);
  assert.ok(samePartition(applied.labels, truth));
  assert.equal(applied.moved, 3);
  assert.deepEqual(applied.constraints.cannotLink, [partQuestion.faces]);
});

test('a person in three pieces: two "same" questions, not the third that their answers decide', async () => {
  const { features } = people(3, 9, 6);
  // person 0 in pieces of 3 (clusters 5, 6, 7); the others whole
  const pred = Int32Array.from({ length: 27 }, (_, i) => (i < 9 ? 5 + Math.floor(i / 3) : i < 18 ? 1 : 2));
  const same = (qs: Question[]) => qs.filter((q) => q.kind === 'same' && q.a >= 5 && q.b >= 5);
  assert.equal(same(await reviewQuestions(features, pred, { descriptors: 'unknown' })).length, 2);
  // every candidate, for a benchmark: all three pairs
  const every = await reviewQuestions(features, pred, { descriptors: 'unknown', everyCandidate: true, limit: Infinity });
  assert.equal(same(every).length, 3);
  every.forEach((q, i) => { assert.equal(q.id, i); });
});

test('apply: a "no" takes its whole part out, larger parts first, leaving faces a "yes" keeps', () => {
  // cluster 0 holds faces 0–5 (face 0 shows it); cluster 1 holds 6–7
  const pred = Int32Array.of(0, 0, 0, 0, 0, 0, 1, 1);
  const questions: Question[] = [
    { id: 0, kind: 'belongs', face: 3, cluster: 0, faces: [3, 0], part: [3], next: -1, score: 0.2 },
    { id: 1, kind: 'belongs', face: 4, cluster: 0, faces: [4, 0], part: [2, 3, 4], next: -1, score: 0.1 },
    { id: 2, kind: 'belongs', face: 2, cluster: 0, faces: [2, 0], part: [2], next: -1, score: 0.1 },
    { id: 3, kind: 'belongs', face: 5, cluster: 0, faces: [5, 0], part: [5], next: 1, score: 0.1 },
  ];
  // "no" to the single face 3 and to its part: the part goes together, face 3 with it
  assert.deepEqual([...applyAnswers(pred, questions, [{ id: 0, answer: 'no' }, { id: 1, answer: 'no' }]).labels], [0, 0, 1, 1, 1, 0, 2, 2]);
  // "yes" to face 2 keeps it with cluster 0's face while the rest of its part leaves
  const kept = applyAnswers(pred, questions, [{ id: 1, answer: 'no' }, { id: 2, answer: 'yes' }]);
  assert.deepEqual([...kept.labels], [0, 0, 0, 1, 1, 0, 2, 2]);
  assert.equal(kept.moved, 2);
  // "no" with a next cluster moves the face there
  assert.deepEqual([...applyAnswers(pred, questions, [{ id: 3, answer: 'no' }]).labels], [0, 0, 0, 0, 0, 1, 1, 1]);
  // a part must hold the question's face, and not the face shown for the cluster
  assert.throws(() => parseQuestions('{"questions": [{"id": 0, "kind": "belongs", "face": 3, "cluster": 0, "faces": [3, 0], "part": [4]}]}', 'q.json'), /q.json: question 0: "part" must be face rows, the question's face among them/);
  assert.throws(() => applyAnswers(pred, [{ ...questions[1]!, part: [0, 4] } as Question], [{ id: 1, answer: 'no' }]), /question 1: the part to take out holds face 0, the face shown for cluster 0/);
  assert.throws(() => applyAnswers(pred, [{ ...questions[1]!, part: [4, 6] } as Question], [{ id: 1, answer: 'no' }]), /question 1: face 6 is not in cluster 0/);
  // written without a part, a question takes out its face alone
  const [parsed] = parseQuestions('{"questions": [{"id": 0, "kind": "belongs", "face": 3, "cluster": 0, "faces": [3, 0]}]}', 'q.json');
  assert.ok(parsed?.kind === 'belongs');
  assert.deepEqual(parsed.part, [3]);
});

test('degenerate: one face, one cluster, no answers, limit 0', async () => {
  const { features } = people(1, 5, 4);
  assert.deepEqual(await reviewQuestions({ n: 1, dim: 64, data: features.data.slice(0, 64) }, Int32Array.of(0)), []);
  assert.deepEqual(await reviewQuestions(features, new Int32Array(5), { limit: 0 }), []);
  // one cluster of one person: only belongs questions, none about its representative
  const qs = await reviewQuestions(features, new Int32Array(5), { descriptors: 'unknown' });
  assert.ok(qs.every((q) => q.kind === 'belongs'));
  assert.ok(new Set(qs.map((q) => q.kind === 'belongs' && q.face)).size === qs.length && qs.length === 4);
  assert.deepEqual([...applyAnswers(Int32Array.of(2, 2, 9), [], []).labels], [0, 0, 1]);
  await assert.rejects(reviewQuestions(features, new Int32Array(4)), /4 cluster labels for 5 faces/);
});
