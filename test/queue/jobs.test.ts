/**
 * What a worker and a coordinator accept from the queue and the work directory (no Redis): job
 * payloads in their exact forms only, paths that stay inside the work directory or the photo
 * roots after links are resolved, result files where the job's id puts them, results of the
 * right size and range.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { writeNpy } from '../../src/io/index.js';
import { photoResults } from '../../src/queue/distributed.js';
import { decodeEdges, jobId, photoPath, processJob, readResult, resultFile, RunCache, sha256, validateJob, type JobData } from '../../src/queue/jobs.js';
import { tempDir } from '../helpers.js';

const RUN = `${'a'.repeat(20)}-10x4`;
const refused = (re: RegExp) => (e: Error) => e instanceof FaceclusterError && re.test(e.message);
const noEmbedder = () => Promise.reject(new Error('no embedder in this test'));

test('validateJob: every field in its exact form; a hostile or damaged payload is refused before any path is built', () => {
  const knn = { kind: 'knn', run: RUN, first: 0, count: 5, k: 3 };
  assert.deepEqual(validateJob(knn), knn);
  const gcn = { kind: 'gcn', run: RUN, first: 0, count: 5, ips: { k1: 3, k2: 2, u: 2 }, firstLayer: false, knn: `knn-${'b'.repeat(64)}.npy`, model: `model-${'c'.repeat(64)}` };
  assert.deepEqual(validateJob(gcn), gcn);
  const embed = { kind: 'embed', run: RUN, photos: ['a.jpg', 'b/c.heic'], minScore: 0.5, cropSize: 160 };
  assert.deepEqual(validateJob(embed), embed);
  assert.deepEqual(validateJob({ ...embed, minFace: 40 }), { ...embed, minFace: 40 });
  for (const [payload, why] of [
    [{ ...knn, run: '../../outside' }, /run id/], [{ ...knn, run: `${RUN}/..` }, /run id/], [{ ...knn, run: 42 }, /run id/],
    [{ ...knn, first: -1 }, /range/], [{ ...knn, count: 0 }, /range/], [{ ...knn, count: 1.5 }, /range/], [{ ...knn, k: 0 }, /k that/],
    [{ ...gcn, knn: '../../../etc/passwd' }, /kNN file/], [{ ...gcn, model: `model-${'c'.repeat(64)}/../..` }, /model folder/],
    [{ ...gcn, input: 'features.npy' }, /input file/], [{ ...gcn, ips: { k1: 3, k2: 2 } }, /subgraph/],
    [{ kind: 'embed', run: RUN, photos: [], minScore: 0.5, cropSize: 160 }, /photos/], [{ kind: 'embed', run: RUN, photos: ['a.jpg'], minScore: 2, cropSize: 160 }, /minimum score/],
    [{ ...embed, minFace: 8 }, /smallest face/], [{ ...embed, minFace: 40.5 }, /smallest face/], [{ ...embed, minFace: '40' }, /smallest face/], [{ ...embed, cropSize: 0 }, /crop size/],
    [{ kind: 'delete', run: RUN }, /unknown kind/], [null, /no fields/],
  ] as const) assert.throws(() => validateJob(payload), refused(why), JSON.stringify(payload));
});

test('job ids: any setting that changes a result changes the id (and the result file); the same job, the same id', () => {
  const base: JobData = { kind: 'gcn', run: RUN, first: 0, count: 5, ips: { k1: 20, k2: 2, u: 2 }, firstLayer: false, knn: `knn-${'b'.repeat(64)}.npy`, model: `model-${'c'.repeat(64)}` };
  const ids = new Set([
    base, { ...base, ips: { k1: 20, k2: 5, u: 2 } }, { ...base, ips: { k1: 20, k2: 2, u: 5 } }, { ...base, firstLayer: true },
    { ...base, knn: `knn-${'d'.repeat(64)}.npy` }, { ...base, model: `model-${'e'.repeat(64)}` }, { ...base, input: `gcn-input-${'f'.repeat(64)}.npy` },
    { ...base, first: 5 }, { ...base, run: `${'b'.repeat(20)}-10x4` },
  ].map((j) => jobId(j as JobData)));
  assert.equal(ids.size, 9);
  // key order does not matter
  const reordered = { model: base.model, knn: base.knn, firstLayer: false, ips: { u: 2, k2: 2, k1: 20 }, count: 5, first: 0, run: RUN, kind: 'gcn' } as JobData;
  assert.equal(jobId(reordered), jobId(base));
  assert.equal(resultFile(base), join('runs', RUN, 'results', `${jobId(base)}.bin`));
});

test('photoPath: relative photos inside the work directory, absolute ones inside a photo root, after links; never ..', (t) => {
  const dir = tempDir(t);
  const work = join(dir, 'work'), photos = join(dir, 'photos'), secret = join(dir, 'secret');
  for (const d of [work, photos, secret]) mkdirSync(d);
  for (const f of [join(work, 'a.jpg'), join(photos, 'b.jpg'), join(secret, 'c.jpg')]) writeFileSync(f, 'x');
  symlinkSync(secret, join(work, 'link-out'));
  assert.match(photoPath(work, [], 'a.jpg'), /work\/a\.jpg$/);
  assert.match(photoPath(work, [photos], join(photos, 'b.jpg')), /photos\/b\.jpg$/);
  assert.throws(() => photoPath(work, [], join(photos, 'b.jpg')), refused(/outside the work directory and the worker's photo roots \(none given to the worker\)/));
  assert.throws(() => photoPath(work, [photos], join(secret, 'c.jpg')), refused(/outside the work directory/));
  assert.throws(() => photoPath(work, [photos], '../secret/c.jpg'), refused(/with \.\. in it/));
  assert.throws(() => photoPath(work, [photos], `${photos}/../secret/c.jpg`), refused(/with \.\. in it/));
  assert.throws(() => photoPath(work, [photos], 'link-out/c.jpg'), refused(/outside the work directory/));
});

test('a worker reads and writes only inside the work directory: a run folder linked elsewhere is refused', async (t) => {
  const dir = tempDir(t);
  const work = join(dir, 'work'), outside = join(dir, 'outside');
  mkdirSync(join(work, 'runs'), { recursive: true });
  mkdirSync(join(outside, 'results'), { recursive: true });
  writeNpy(join(outside, 'features.npy'), new Float32Array(40).fill(0.5), [10, 4], 'f4');
  symlinkSync(outside, join(work, 'runs', RUN));
  await assert.rejects(processJob({ kind: 'knn', run: RUN, first: 0, count: 5, k: 3 }, new RunCache(work), 'w', noEmbedder), refused(/leads out of the work directory/));
  await assert.rejects(processJob({ kind: 'knn', run: '../outside', first: 0, count: 5, k: 3 }, new RunCache(work), 'w', noEmbedder), refused(/run id/));
});

test('readResult: the file the job id names, with its checksum; a worker naming another file, a link out, a changed file are refused', (t) => {
  const dir = tempDir(t);
  const job: JobData = { kind: 'knn', run: RUN, first: 0, count: 1, k: 1 };
  mkdirSync(join(dir, 'runs', RUN, 'results'), { recursive: true });
  const bytes = new Uint8Array(16).fill(1);
  writeFileSync(join(dir, resultFile(job)), bytes);
  assert.deepEqual(new Uint8Array(readResult(dir, job, { file: resultFile(job), sha256: sha256(bytes), worker: 'w' })), bytes);
  assert.throws(() => readResult(dir, job, { file: '../../../../etc/hostname', sha256: sha256(bytes), worker: 'w' }), refused(/reported its result as .*etc\/hostname.*refused/));
  assert.throws(() => readResult(dir, job, { file: resultFile(job), sha256: sha256(new Uint8Array(3)), worker: 'w' }), refused(/does not match the checksum/));
  const other: JobData = { ...job, first: 1 };
  symlinkSync('/etc/hostname', join(dir, resultFile(other)));
  assert.throws(() => readResult(dir, other, { file: resultFile(other), sha256: 'x', worker: 'w' }), refused(/leads out of the work directory/));
});

test('results are checked: links whole, faces in range, scores in [0, 1]; embed results one per photo, of the right shape', () => {
  const edges = (src: number, dst: number, score: number) => {
    const b = new ArrayBuffer(16);
    new Float64Array(b, 0, 1)[0] = score; new Int32Array(b, 8, 1)[0] = src; new Int32Array(b, 12, 1)[0] = dst;
    return new Uint8Array(b);
  };
  assert.deepEqual([...decodeEdges(edges(1, 2, 0.5), 10, 'j').src], [1]);
  assert.throws(() => decodeEdges(new Uint8Array(17), 10, 'j'), refused(/17 bytes is not whole links/));
  assert.throws(() => decodeEdges(edges(1, 10, 0.5), 10, 'j'), refused(/outside \[0, 10\)/));
  assert.throws(() => decodeEdges(edges(-1, 2, 0.5), 10, 'j'), refused(/outside/));
  assert.throws(() => decodeEdges(edges(1, 2, Number.NaN), 10, 'j'), refused(/score NaN/));
  assert.throws(() => decodeEdges(edges(1, 2, 1.5), 10, 'j'), refused(/score 1.5/));
  const good = [{ image: 'a.jpg', faces: [{ image: 'a.jpg', box: [1, 2, 3, 4], landmarks: [[1, 2]], score: 0.9, model: 'm', descriptor: [0.1, 0.2] }] }, { image: 'b.jpg', error: 'no face found', faces: [] }];
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  assert.equal(photoResults(enc(good), ['a.jpg', 'b.jpg'], 'j').length, 2);
  assert.throws(() => photoResults(enc(good), ['a.jpg'], 'j'), refused(/for 2 photos, not 1/));
  assert.throws(() => photoResults(enc([good[1], good[0]]), ['a.jpg', 'b.jpg'], 'j'), refused(/photo 0/));
  assert.throws(() => photoResults(enc([{ image: 'a.jpg', faces: [{ descriptor: ['x'] }] }]), ['a.jpg'], 'j'), refused(/photo 0/));
  assert.throws(() => photoResults(enc([{ image: 'a.jpg' }]), ['a.jpg'], 'j'), refused(/photo 0/));
  assert.throws(() => photoResults(new TextEncoder().encode('{"truncated'), ['a.jpg'], 'j'), refused(/not JSON/));
});
