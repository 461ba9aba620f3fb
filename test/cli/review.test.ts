/** review → answers → apply → cluster --constraints, end to end on lfw-test's first faces. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures, readLabels, writeNpy } from '../../src/io/files.node.js';
import { evaluate } from '../../src/metrics/index.js';
import { ROOT, tempDir } from '../helpers.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { encoding: 'utf8' });
const ok = (...args: string[]) => {
  const r = cli(...args);
  assert.equal(r.status, 0, r.stderr);
  return r;
};

test('cluster, review, answer from the truth, apply: B-Cubed F rises, and re-clustering with the constraints keeps every answer', (t) => {
  const dir = tempDir(t);
  const n = 1500;
  const f = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const truth = readLabels(join(ROOT, 'data/lfw-test.labels.npy')).slice(0, n);
  const path = (name: string) => join(dir, name);
  writeNpy(path('f.npy'), f.data.subarray(0, n * f.dim), [n, f.dim], 'f4');
  const faces = Array.from({ length: n }, (_, i) => ({ image: `photo-${i}.jpg`, box: [i % 7, 3, 40, 40] }));
  writeFileSync(path('faces.json'), JSON.stringify(faces));
  ok('cluster', '--features', path('f.npy'), '--out', path('pred.npy'), '--quiet');
  const pred = readLabels(path('pred.npy'));
  const r = ok('review', '--features', path('f.npy'), '--clusters', path('pred.npy'), '--out', path('q.json'), '--limit', '20', '--json');
  assert.match(r.stderr, /^facecluster: 20 questions about 1500 faces \(\d+ "same", \d+ "belongs"\)/);
  assert.equal(JSON.parse(r.stdout).summary.questions, 20);
  const { questions } = JSON.parse(readFileSync(path('q.json'),
    'utf8')) as { questions: { id: number; kind: string; a: number; b: number; face: number; cluster: number; faces: [number, number] }[] };
  assert.equal(questions.length, 20);
  // the simulated user of bench:review
  const majority = (c: number) => {
    const count = new Map<number, number>();
    pred.forEach((p, i) => { if (p === c) count.set(truth[i]!, (count.get(truth[i]!) ?? 0) + 1); });
    return [...count].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]![0];
  };
  const answers = questions.map((q) => ({ id: q.id,
    answer: (q.kind === 'same' ? majority(q.a) === majority(q.b) : truth[q.face] === majority(q.cluster)) ? 'yes' : 'no' }));
  writeFileSync(path('a.json'), JSON.stringify(answers));
  const applied = ok('apply', '--clusters', path('pred.npy'), '--questions', path('q.json'), '--answers', path('a.json'), '--out', path('new.npy'), '--constraints-out', path('c.json'), '--faces', path('faces.json'));
  assert.match(applied.stderr, /facecluster: 20 answers \(\d+ yes, \d+ no\): \d+ clusters merged away, \d+ faces taken out; \d+ clusters/);
  const after = readLabels(path('new.npy'));
  assert.ok(evaluate(truth, after).bcubed.f > evaluate(truth, pred).bcubed.f, 'truthful answers help');
  const c = JSON.parse(readFileSync(path('c.json'), 'utf8')) as { mustLink: { image: string }[][]; cannotLink: { image: string }[][] };
  assert.equal(c.mustLink.length + c.cannotLink.length, 20);
  const row = (ref: { image: string }) => Number(/photo-(\d+)/.exec(ref.image)![1]);
  // re-clustering (another method, too) keeps every answer
  for (const method of ['infomap', 'threshold']) {
    ok('cluster', '--features', path('f.npy'), '--method', method, '--faces', path('faces.json'), '--constraints', path('c.json'), '--out', path(`again-${method}.npy`), '--quiet');
    const again = readLabels(path(`again-${method}.npy`));
    for (const [a, b] of c.mustLink) assert.equal(again[row(a!)], again[row(b!)], `${method}: must-link ${row(a!)}–${row(b!)}`);
    for (const [a, b] of c.cannotLink) assert.notEqual(again[row(a!)], again[row(b!)], `${method}: cannot-link ${row(a!)}–${row(b!)}`);
  }
  // answers given are not asked again
  ok('review', '--features', path('f.npy'), '--clusters', path('new.npy'), '--out', path('q2.json'), '--faces', path('faces.json'), '--constraints', path('c.json'), '--quiet');
  const settled = new Set(questions.flatMap((q) => q.kind === 'belongs' ? [q.face] : []));
  const next = (JSON.parse(readFileSync(path('q2.json'), 'utf8')) as { questions: { kind: string; face: number }[] }).questions;
  assert.ok(next.every((q) => q.kind !== 'belongs' || !settled.has(q.face)));
  // a second round adds to the constraints file
  writeFileSync(path('a2.json'), JSON.stringify([{ id: 0, answer: 'no' }]));
  ok('apply', '--clusters', path('new.npy'), '--questions', path('q2.json'), '--answers', path('a2.json'), '--out', path('new2.npy'), '--constraints-out', path('c.json'), '--faces', path('faces.json'), '--quiet');
  const c2 = JSON.parse(readFileSync(path('c.json'), 'utf8')) as { mustLink: unknown[]; cannotLink: unknown[] };
  assert.equal(c2.mustLink.length + c2.cannotLink.length, 21);
});

test('apply and review: bad answers and files are one line, exit 2, no output written', (t) => {
  const dir = tempDir(t);
  const path = (name: string) => join(dir, name);
  writeNpy(path('pred.npy'), Int32Array.of(0, 0, 1, 1), [4], 'i8');
  writeFileSync(path('q.json'), JSON.stringify({ questions: [{ id: 0, kind: 'same', a: 0, b: 1, faces: [0, 2], score: 0.1 }, { id: 1, kind: 'same', a: 0, b: 7,
    faces: [1, 3], score: 0.1 }] }));
  const cases: [string, string][] = [
    ['[{"id": 5, "answer": "yes"}]', 'answer to question 5, which is not among the questions'],
    ['[{"id": 0, "answer": "skip"}]', 'the answer must be "yes" or "no", not "skip"'],
    ['[{"id": 1, "answer": "yes"}]', 'question 1 names cluster 7, which is not in the clustering'],
    ['not json', 'a.json: not valid JSON'],
  ];
  for (const [answers, message] of cases) {
    writeFileSync(path('a.json'), answers);
    const r = cli('apply', '--clusters', path('pred.npy'), '--questions', path('q.json'), '--answers', path('a.json'), '--out', path('new.npy'), '--constraints-out', path('c.json'));
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(message), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(!existsSync(path('new.npy')) && !existsSync(path('c.json')));
  }
  // a constraints file to add to that is damaged: nothing written, not even the labels
  writeFileSync(path('a.json'), '[{"id": 0, "answer": "yes"}]');
  writeFileSync(path('c.json'), '{"mustLink": 3}');
  const damaged = cli('apply', '--clusters', path('pred.npy'), '--questions', path('q.json'), '--answers', path('a.json'), '--out', path('new.npy'), '--constraints-out', path('c.json'));
  assert.equal(damaged.status, 2);
  assert.match(damaged.stderr, /c.json: "mustLink" must be a list of pairs/);
  assert.ok(!existsSync(path('new.npy')));
  assert.equal(readFileSync(path('c.json'), 'utf8'), '{"mustLink": 3}');
  writeFileSync(path('c.json'), '{"mustLink": [[0, 9]]}');
  writeNpy(path('f.npy'), Float32Array.from({ length: 4 * 8 }, (_, i) => Math.sin(i + 1)), [4, 8], 'f4');
  const r = cli('cluster', '--features', path('f.npy'), '--constraints', path('c.json'), '--out', path('p2.npy'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /c.json: face 9 is not one of the 4 faces/);
  const q = cli('review', '--features', path('f.npy'), '--clusters', path('pred.npy'), '--out', path('q.txt'));
  assert.equal(q.status, 2);
  assert.match(q.stderr, /q.txt: the questions are written as .json/);
});
