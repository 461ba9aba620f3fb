import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaceclusterError, groupFaces } from '../../src/index.js';
import { readFeatures, readLabels } from '../../src/io/files.node.js';
import { evaluate } from '../../src/metrics/index.js';
import { ROOT, tempDir } from '../helpers.js';

const n = 600;
const f = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
const truth = readLabels(join(ROOT, 'data/lfw-test.labels.npy')).slice(0, n);
const rows = Array.from({ length: n }, (_, i) => ({ faceId: `f${i}`, assetId: `a${i}`, embedding: Array.from(f.data.subarray(i * f.dim, (i + 1) * f.dim)) }));

test('groupFaces: ids and float arrays in, person ids out; minFaces leaves small groups unassigned; one photo, two people', async () => {
  const faces = rows.map((r) => ({ id: r.faceId, embedding: r.embedding, photo: r.assetId }));
  const people = await groupFaces(faces);
  assert.deepEqual(people.map((p) => p.id), rows.map((r) => r.faceId));
  assert.ok(evaluate(truth, Int32Array.from(people, (p) => p.person)).bcubed.f > 0.8);
  const strict = await groupFaces(faces, { minFaces: 2 });
  const size = new Map<number, number>();
  for (const p of people) size.set(p.person, (size.get(p.person) ?? 0) + 1);
  people.forEach((p, i) => { assert.equal(strict[i]!.person < 0, size.get(p.person) === 1, p.id); });
  // two faces of one person put in one photo become two people
  const i = people.findIndex((p) => size.get(p.person)! > 1);
  const j = people.findIndex((p, k) => k > i && p.person === people[i]!.person);
  assert.ok(i >= 0 && j > i);
  const samePhoto = await groupFaces(faces.map((x, k) => (k === j ? { ...x, photo: faces[i]!.photo } : x)));
  assert.notEqual(samePhoto[i]!.person, samePhoto[j]!.person);
  // faces whose photo is unknown (null from a database, or missing) are not taken as one shared photo
  const unknown = await groupFaces(faces.map((x) => ({ ...x, photo: null })));
  assert.deepEqual(unknown.map((p) => p.person), people.map((p) => p.person));
  assert.deepEqual((await groupFaces(faces.map(({ photo: _p, ...x }) => x))).map((p) => p.person), people.map((p) => p.person));
  await assert.rejects(groupFaces([{ id: 'a', embedding: [1, 0] }, { id: 'b', embedding: [1] }]), (e) => e instanceof FaceclusterError && /face b has a 1-d embedding/.test(e.message));
  await assert.rejects(groupFaces([{ id: 'a', embedding: [1, NaN] }, { id: 'b', embedding: [1, 0] }]),
    (e) => e instanceof FaceclusterError && /face a: embedding value 1 is NaN/.test(e.message));
});

test('the photo-server example runs on rows from a JSON file', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'faces.json'), JSON.stringify(rows));
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/examples/photo-server.js'), join(dir, 'faces.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { faceId: string; personId: string | null });
  assert.deepEqual(out.map((o) => o.faceId), rows.map((x) => x.faceId));
  const ids = new Map<string, number>();
  const pred = Int32Array.from(out, (o, k) => (o.personId === null ? -1 - k : (ids.get(o.personId) ?? ids.set(o.personId, ids.size).get(o.personId)!)));
  assert.ok(evaluate(truth, pred).pairwise.f > 0.8);
});

test('groupFaces keeps a user\'s answers by face id; answers naming faces deleted since are left out', async () => {
  const faces = rows.slice(0, 300).map((r) => ({ id: r.faceId, embedding: r.embedding, photo: r.assetId }));
  const people = await groupFaces(faces);
  // two faces of different people, and two of one person
  const a = people.findIndex((p, k) => people.some((o, j) => j !== k && o.person === p.person));
  const b = people.findIndex((p) => p.person !== people[a]!.person);
  const c = people.findIndex((p, k) => k !== a && p.person === people[a]!.person);
  assert.ok(a >= 0 && b >= 0 && c >= 0);
  const kept = await groupFaces(faces, { constraints: { mustLink: [[faces[a]!.id, faces[b]!.id], ['gone', faces[a]!.id]], cannotLink: [[faces[a]!.id,
    faces[c]!.id]] } });
  assert.equal(kept[a]!.person, kept[b]!.person);
  assert.notEqual(kept[a]!.person, kept[c]!.person);
});
