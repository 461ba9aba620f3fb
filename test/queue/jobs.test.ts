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
import { photoPath, processJob, readResult, RunCache } from '../../src/queue/jobs.node.js';
import { decodeEdges, jobId, photoResults, resultFile, sha256, validateJob, type JobData } from '../../src/queue/wire.node.js';
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
  const good = [{ image: 'a.jpg', faces: [{ image: 'a.jpg', box: [1, 2, 3, 4], landmarks: [[1, 2]], score: 0.9, model: 'm', descriptor: [0.1, 0.2] }] },
    { image: 'b.jpg', error: 'no face found', faces: [] }];
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  assert.equal(photoResults(enc(good), ['a.jpg', 'b.jpg'], 'j').length, 2);
  assert.throws(() => photoResults(enc(good), ['a.jpg'], 'j'), refused(/for 2 photos, not 1/));
  assert.throws(() => photoResults(enc([good[1], good[0]]), ['a.jpg', 'b.jpg'], 'j'), refused(/photo 0/));
  assert.throws(() => photoResults(enc([{ image: 'a.jpg', faces: [{ descriptor: ['x'] }] }]), ['a.jpg'], 'j'), refused(/photo 0/));
  assert.throws(() => photoResults(enc([{ image: 'a.jpg' }]), ['a.jpg'], 'j'), refused(/photo 0/));
  assert.throws(() => photoResults(new TextEncoder().encode('{"truncated'), ['a.jpg'], 'j'), refused(/not JSON/));
});

test('validateJob at its boundaries: the exact forms accepted up to their limits, anything a character or a unit past them refused', () => {
  const hex = (c: string, n: number) => c.repeat(n);
  const knn = { kind: 'knn', run: `${hex('a', 20)}-6929x128`, first: 0, count: 5, k: 3 };
  const gcn = { kind: 'gcn', run: `${hex('a', 20)}-10x4`, first: 0, count: 5, ips: { k1: 10_000, k2: 0, u: 10_000 }, firstLayer: true, knn: `knn-${hex('b', 64)}.npy`, model: `model-${hex('c', 64)}`, input: `gcn-input-${hex('d', 64)}.npy` };
  const embed = { kind: 'embed', run: `${hex('a', 20)}-embed-76`, photos: Array.from({ length: 10_000 }, (_, i) => `${i}.jpg`), minScore: 1, cropSize: 100_000 };
  for (const ok of [knn, gcn, embed, { ...knn, first: 2 ** 31 - 1, count: 2 ** 31 - 1, k: 100_000 }, { ...embed, minScore: 0, photos: ['p'.repeat(4095)] },
    { ...knn, run: `${hex('0', 20)}-123456789x123456` }]) {
    assert.deepEqual(validateJob(ok), ok);
  }
  for (const [payload, why] of [
    ['a string', /no fields/], [42, /no fields/],
    [{ ...knn, run: `x${knn.run}` }, /run id/], [{ ...knn, run: `${knn.run}x` }, /run id/], [{ ...knn, run: `${hex('a', 20)}-1x1234567` }, /run id/],
    [{ ...knn, run: `${hex('a', 20)}-embed-1234567890` }, /run id/], [{ ...knn, run: `${hex('a', 20)}-embed-x` }, /run id/], [{ ...knn, run: `${hex('A', 20)}-1x1` }, /run id/],
    [{ ...knn, first: 2 ** 31 }, /range/], [{ ...knn, count: 2 ** 31 }, /range/], [{ ...knn, k: 100_001 }, /k that/],
    [{ ...gcn, ips: null }, /subgraph/], [{ ...gcn, ips: { k1: 0, k2: 2, u: 2 } }, /subgraph/], [{ ...gcn, ips: { k1: 10_001, k2: 2, u: 2 } }, /subgraph/],
    [{ ...gcn, ips: { k1: 3, k2: -1, u: 2 } }, /subgraph/], [{ ...gcn, ips: { k1: 3, k2: 2, u: 0 } }, /subgraph/], [{ ...gcn, ips: { k1: 3, k2: 2, u: 10_001 } }, /subgraph/],
    [{ ...gcn, firstLayer: 'yes' }, /first-layer/], [{ ...gcn, knn: 5 }, /kNN file/], [{ ...gcn, knn: `x${gcn.knn}` }, /kNN file/], [{ ...gcn, knn: `${gcn.knn}x` }, /kNN file/],
    [{ ...gcn, model: 5 }, /model folder/], [{ ...gcn, model: `x${gcn.model}` }, /model folder/], [{ ...gcn, model: `${gcn.model}0` }, /model folder/],
    [{ ...gcn, input: 5 }, /input file/], [{ ...gcn, input: `x${gcn.input}` }, /input file/], [{ ...gcn, input: `${gcn.input}x` }, /input file/], [{ ...gcn, input: `gcn-input-${hex('g', 64)}.npy` }, /input file/],
    [{ ...embed, photos: 'a.jpg' }, /photos/], [{ ...embed, photos: [...embed.photos, 'one more.jpg'] }, /photos/], [{ ...embed, photos: ['a.jpg', ''] }, /photos/],
    [{ ...embed, photos: ['a.jpg', 5] }, /photos/], [{ ...embed, photos: ['p'.repeat(4096)] }, /photos/], [{ ...embed, photos: ['a\0.jpg'] }, /photos/],
    [{ ...embed, minScore: '0.5' }, /minimum score/], [{ ...embed, minScore: -0.01 }, /minimum score/], [{ ...embed, minScore: 1.01 }, /minimum score/], [{ ...embed, minScore: Number.NaN }, /minimum score/],
    [{ ...embed, cropSize: 100_001 }, /crop size/], [{ ...embed, minFace: 20_001 }, /smallest face/],
  ] as const) assert.throws(() => validateJob(payload), refused(why), JSON.stringify(payload).slice(0, 200));
});

test('job ids: their exact form, a digest of the canonical JSON of every field (keys sorted, absent fields dropped)', () => {
  const embed: JobData = { kind: 'embed', run: RUN, photos: ['b.jpg', 'a.jpg'], minScore: 0.5, cropSize: 160 };
  const digest = (text: string) => sha256(text).slice(0, 16);
  assert.equal(jobId(embed), `${RUN}-embed-${digest(`{"cropSize":160,"kind":"embed","minScore":0.5,"photos":["b.jpg","a.jpg"],"run":"${RUN}"}`)}`);
  assert.equal(jobId({ ...embed, minFace: undefined } as JobData), jobId(embed), 'an absent field is no field');
  assert.notEqual(jobId({ ...embed, photos: ['a.jpg', 'b.jpg'] }), jobId(embed), 'the photos\' order is part of the job');
  const knn: JobData = { kind: 'knn', run: RUN, first: 5, count: 10, k: 3 };
  assert.equal(jobId(knn), `${RUN}-knn-5-10-${digest(`{"count":10,"first":5,"k":3,"kind":"knn","run":"${RUN}"}`)}`);
  assert.equal(resultFile(knn), join('runs', RUN, 'results', `${jobId(knn)}.bin`));
});

test('decodeEdges at its boundaries: faces 0 and n − 1, scores 0 and 1, a result inside a larger buffer', () => {
  const m = 3, b = new ArrayBuffer(8 + m * 16);
  // the result starts 8 bytes into the buffer, as a Buffer from a file may
  const view = new Uint8Array(b, 8, m * 16), body = new ArrayBuffer(m * 16);
  new Float64Array(body, 0, m).set([0, 1, 0.25]); new Int32Array(body, m * 8, m).set([0, 9, 4]); new Int32Array(body, m * 12, m).set([9, 0, 5]);
  view.set(new Uint8Array(body));
  const e = decodeEdges(view, 10, 'j');
  assert.deepEqual([[...e.src], [...e.dst], [...e.score]], [[0, 9, 4], [9, 0, 5], [0, 1, 0.25]]);
  assert.deepEqual([...decodeEdges(new Uint8Array(0), 10, 'j').src], []);
});

test('photoPath: a photo root given with or without its trailing separator, the root itself not a photo; absolute paths inside the work directory are not photo roots', (t) => {
  const dir = tempDir(t);
  const work = join(dir, 'work'), photos = join(dir, 'photos');
  mkdirSync(work); mkdirSync(photos);
  writeFileSync(join(photos, 'a.jpg'), 'x'); writeFileSync(join(work, 'b.jpg'), 'x');
  mkdirSync(join(dir, 'photos-other')); writeFileSync(join(dir, 'photos-other', 'c.jpg'), 'x');
  assert.equal(photoPath(work, [photos], join(photos, 'a.jpg')), join(photos, 'a.jpg'));
  assert.equal(photoPath(work, [`${photos}/`], join(photos, 'a.jpg')), join(photos, 'a.jpg'));
  assert.equal(photoPath(work, [], 'b.jpg'), join(work, 'b.jpg'));
  // a sibling folder whose name starts like the root's is not inside it
  assert.throws(() => photoPath(work, [photos], join(dir, 'photos-other', 'c.jpg')), refused(/outside the work directory and the worker's photo roots/));
  assert.throws(() => photoPath(work, [], join(work, 'b.jpg')), refused(/none given to the worker/));
  assert.throws(() => photoPath(work, [photos], join(dir, 'missing.jpg')), (e: Error) => e instanceof FaceclusterError && e.code === 'NOT_FOUND');
});

test('processJob on a kNN job: the exact rows asked for, written where the job id puts them; the run\'s features read once a run', async (t) => {
  const work = tempDir(t);
  // the coordinator makes the run's folder and its results folder
  mkdirSync(join(work, 'runs', RUN, 'results'), { recursive: true });
  // four unit rows in 2-d: 0 and 1 close, 2 and 3 close
  const rows = Float32Array.of(1, 0, 0.8, 0.6, 0, 1, -0.6, 0.8);
  writeNpy(join(work, 'runs', RUN, 'features.npy'), rows, [4, 2], 'f4');
  const cache = new RunCache(work);
  const job: JobData = { kind: 'knn', run: RUN, first: 1, count: 2, k: 1 };
  const done = await processJob(job, cache, 'host:1', noEmbedder);
  assert.equal(done.file, resultFile(job));
  assert.equal(done.worker, 'host:1');
  // a copy of its own (a Buffer from a file shares a pool)
  const bytes = new Uint8Array(readResult(work, job, done));
  assert.equal(done.sha256, sha256(bytes));
  // rows 1 and 2, self first: indices (2 rows × 2) as int32, then their similarities as float32
  assert.deepEqual([...new Int32Array(bytes.slice(0, 16).buffer)], [1, 0, 2, 3]);
  const sims = new Float32Array(bytes.slice(16).buffer);
  assert.deepEqual([...sims].map((x) => Math.round(x * 1e6) / 1e6), [1, 0.8, 1, 0.8]);
  // the features are cached for the run: a changed file is not read again until another run comes
  writeNpy(join(work, 'runs', RUN, 'features.npy'), Float32Array.of(1, 0, 1, 0, 1, 0, 1, 0), [4, 2], 'f4');
  assert.deepEqual([...cache.features(RUN).data], [...rows]);
  const other = `${'b'.repeat(20)}-4x2`;
  mkdirSync(join(work, 'runs', other));
  writeNpy(join(work, 'runs', other, 'features.npy'), Float32Array.of(0, 1, 0, 1, 0, 1, 0, 1), [4, 2], 'f4');
  assert.deepEqual([...cache.features(other).data], [0, 1, 0, 1, 0, 1, 0, 1]);
  assert.deepEqual([...cache.features(RUN).data], [1, 0, 1, 0, 1, 0, 1, 0], 'another run emptied the cache');
  // rows past the run's faces, and k past them, are refused; a missing result is named
  await assert.rejects(processJob({ ...job, first: 3 }, cache, 'w', noEmbedder), refused(/job rows 3\.\.4 are not among the run's 4 faces/));
  await assert.rejects(processJob({ ...job, k: 4 }, cache, 'w', noEmbedder), refused(/k = 4 over 4 faces/));
  assert.throws(() => readResult(work, { ...job, first: 0 }, { ...done, file: resultFile({ ...job, first: 0 }) }),
    (e: unknown) => e instanceof FaceclusterError && e.code === 'NOT_FOUND' && /result is not in the work directory/.test(e.message));
});

test('decodeEdges refuses each end and score one step outside its range', () => {
  const edges = (src: number, dst: number, score: number) => {
    const b = new ArrayBuffer(16);
    new Float64Array(b, 0, 1)[0] = score; new Int32Array(b, 8, 1)[0] = src; new Int32Array(b, 12, 1)[0] = dst;
    return new Uint8Array(b);
  };
  for (const [s, d] of [[10, 2], [2, 10], [-1, 2], [2, -1]]) assert.throws(() => decodeEdges(edges(s!, d!, 0.5), 10, 'j'), refused(/link 0 names a face outside \[0, 10\)/), `${s}, ${d}`);
  for (const score of [-0.001, 1.001]) assert.throws(() => decodeEdges(edges(1, 2, score), 10, 'j'), refused(/not in \[0, 1\]/));
  assert.deepEqual([...decodeEdges(edges(9, 0, 0), 10, 'j').dst], [0]);
});
