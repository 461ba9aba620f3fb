import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PhotoResult } from '../../src/embed/photo.node.js';
import {
  decodeEdges, decodeKnnRows, embedRunIdOf, encodeEdges, encodeKnnRows, encodePhotoResults, jobId, photoResults, RUN_FORM, runIdOf, validateJob,
  type JobData,
} from '../../src/queue/wire.node.js';

// each pair as the two sides use it, without Redis or a work directory

test('kNN rows: decode(encode(rows)) is the rows; a short result, a neighbour out of range or a non-cosine refused', () => {
  const rows = { indices: Int32Array.of(0, 2, 1, 1, 0, 2), sims: Float32Array.of(1, 0.5, 0.25, 1, 0.75, -0.5) };
  const back = decodeKnnRows(encodeKnnRows(rows), 2, 2, 3, 'job');
  assert.deepEqual(back, rows);
  assert.throws(() => decodeKnnRows(encodeKnnRows(rows), 3, 2, 3, 'job j'), /job j: a result of 48 bytes, not 72/);
  assert.throws(() => decodeKnnRows(encodeKnnRows(rows), 2, 2, 2, 'job j'), /job j: neighbour 2 is not among the 2 faces/);
  assert.throws(() => decodeKnnRows(encodeKnnRows({ ...rows, sims: Float32Array.of(1, 0.5, 0.25, 1, 1.5, 0) }), 2, 2, 3, 'job j'), /similarity 1.5 is not a cosine/);
});

test('scored links: decode(encode(links)) is the links, from bytes at any offset', () => {
  const links = { src: Int32Array.of(0, 1, 2), dst: Int32Array.of(2, 0, 1), score: Float64Array.of(0.125, 1, 0) };
  const bytes = encodeEdges(links.src, links.dst, links.score);
  assert.equal(bytes.byteLength, 48);
  const shifted = new Uint8Array(bytes.byteLength + 3);
  shifted.set(bytes, 3);
  for (const b of [bytes, shifted.subarray(3)]) {
    const back = decodeEdges(b, 3, 'job');
    assert.deepEqual([[...back.src], [...back.dst], [...back.score]], [[...links.src], [...links.dst], [...links.score]]);
  }
});

test('photo results: decode(encode(results)) is the results; another photo, order or count refused', () => {
  const results: PhotoResult[] = [
    { image: 'a.jpg', faces: [{ image: 'a.jpg', descriptor: [0.1, -0.2], box: [1, 2, 3, 4], score: 0.9 }] },
    { image: 'b.jpg', error: 'cannot be read' },
  ];
  assert.deepEqual(photoResults(encodePhotoResults(results), ['a.jpg', 'b.jpg'], 'job'), results);
  assert.throws(() => photoResults(encodePhotoResults(results), ['b.jpg', 'a.jpg'], 'job j'), /job j: the result for photo 0 \(b.jpg\) is not a photo's faces/);
  assert.throws(() => photoResults(encodePhotoResults(results), ['a.jpg'], 'job j'), /a result for 2 photos, not 1/);
});

test('run and job ids: of the forms validateJob accepts, the same for the same job whatever its key order, another for any change', () => {
  const unit = { n: 3, dim: 2, data: Float32Array.of(1, 0, 0, 1, 0.6, 0.8) };
  const run = runIdOf(unit);
  assert.match(run, RUN_FORM);
  assert.ok(run.endsWith('-3x2'));
  assert.notEqual(runIdOf({ ...unit, data: Float32Array.of(1, 0, 0, 1, 0.8, 0.6) }), run);
  const embedRun = embedRunIdOf(['a.jpg', 'b.jpg'], { minScore: 0.5, cropSize: 160 });
  assert.match(embedRun, RUN_FORM);
  assert.notEqual(embedRunIdOf(['a.jpg', 'b.jpg'], { minScore: 0.6, cropSize: 160 }), embedRun);
  const job: JobData = { kind: 'knn', run, first: 0, count: 3, k: 2 };
  assert.deepEqual(validateJob(JSON.parse(JSON.stringify(job))), job);
  assert.equal(jobId({ k: 2, count: 3, first: 0, run, kind: 'knn' }), jobId(job));
  assert.notEqual(jobId({ ...job, k: 1 }), jobId(job));
  assert.ok(jobId(job).startsWith(`${run}-knn-0-3-`));
  assert.deepEqual(validateJob({ kind: 'embed', run: embedRun, photos: ['a.jpg'], minScore: 0.5, cropSize: 160 }).kind, 'embed');
});
