/**
 * The pipeline's expensive stages as queued jobs: a run's inputs are written once to the work
 * directory, the work is cut into jobs (kNN query blocks, GCN pivot ranges, batches of photos),
 * and the checked results are put together in order — the same bytes a single process makes.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { fail } from '../errors.js';
import { writeKnn, writeNpy } from '../io/index.js';
import type { IpsOptions } from '../ips/index.js';
import type { PhotoResult } from '../embed/photo.js';
import { MODEL_FILES } from '../model/model.js';
import { usesFirstLayerTable } from '../model/score.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';
import { runJobs, type QueueRunOptions } from './coordinator.js';
import { decodeEdges, runDir, RUN_FILES, sha256, type JobData } from './jobs.js';

export interface QueuedRun extends QueueRunOptions {
  connection: Redis;
  workDir: string;
  /** Faces (kNN rows, GCN pivots) a job takes (default 2,048). */
  jobFaces?: number;
}

export const DISTRIBUTED_DEFAULTS = Object.freeze({ jobFaces: 2048, jobPhotos: 16 });

/** Cuts 0..n−1 into ranges of `size`. */
function ranges(n: number, size: number): { first: number; count: number }[] {
  const out = [];
  for (let first = 0; first < n; first += size) out.push({ first, count: Math.min(size, n - first) });
  return out;
}

function absolute(q: QueuedRun, ...parts: string[]): string {
  return join(q.workDir, ...parts);
}

/**
 * A run for these unit-length features: its id is their checksum, so a coordinator started again
 * on the same faces finds its inputs (and BullMQ its jobs) where it left them.
 */
export function prepareRun(q: QueuedRun, unit: Features): string {
  const run = sha256(new Uint8Array(unit.data.buffer, unit.data.byteOffset, unit.data.byteLength)).slice(0, 20) + `-${unit.n}x${unit.dim}`;
  const dir = absolute(q, runDir(run));
  try {
    mkdirSync(join(dir, 'results'), { recursive: true });
  } catch (e) {
    fail('NOT_FOUND', `cannot write the work directory (${(e as NodeJS.ErrnoException).code})`, q.workDir);
  }
  const path = join(dir, RUN_FILES.features);
  if (!existsSync(path)) writeNpy(path, unit.data, [unit.n, unit.dim], 'f4');
  return run;
}

/** Exact kNN rows of every face, self first, as buildKnn makes them, from query-block jobs. */
export async function queuedKnn(q: QueuedRun, run: string, unit: Features, k: number): Promise<KnnGraph> {
  if (k > unit.n - 1) fail('BAD_OPTION', `k = ${k} is larger than N − 1 = ${unit.n - 1} (there are only ${unit.n} faces)`);
  const w = k + 1;
  const jobs: JobData[] = ranges(unit.n, q.jobFaces ?? DISTRIBUTED_DEFAULTS.jobFaces).map((r) => ({ kind: 'knn', run, k, ...r }));
  const results = await runJobs(q.connection, q.workDir, jobs, q);
  const indices = new Int32Array(unit.n * w), sims = new Float32Array(unit.n * w);
  results.forEach((bytes, j) => {
    const { first, count } = jobs[j] as { first: number; count: number };
    if (bytes.byteLength !== count * w * 8) fail('BAD_FILE', `job ${first}..${first + count - 1}: a result of ${bytes.byteLength} bytes, not ${count * w * 8}`);
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    indices.set(new Int32Array(buf, 0, count * w), first * w);
    sims.set(new Float32Array(buf, count * w * 4, count * w), first * w);
  });
  return { n: unit.n, k, indices, sims };
}

/** GCN link scores of every pivot, as parallelScoreLinks gives them, from pivot-range jobs. */
export async function queuedScores(q: QueuedRun, run: string, modelDir: string, input: Features, inputIsUnit: boolean, knn: KnnGraph, ips: IpsOptions): Promise<ScoredEdges> {
  const dir = absolute(q, runDir(run));
  writeKnn(join(dir, RUN_FILES.knn), knn);
  mkdirSync(join(dir, RUN_FILES.model), { recursive: true });
  for (const f of Object.values(MODEL_FILES)) cpSync(join(modelDir, f), join(dir, RUN_FILES.model, f));
  if (!inputIsUnit) writeNpy(join(dir, RUN_FILES.gcnInput), input.data, [input.n, input.dim], 'f4');
  // the same choice the single process makes, so that the scores are the same bits
  const firstLayer = usesFirstLayerTable(input.n, input.n);
  const jobs: JobData[] = ranges(input.n, q.jobFaces ?? DISTRIBUTED_DEFAULTS.jobFaces).map((r) => ({ kind: 'gcn', run, ips, firstLayer, ...r }));
  const parts = (await runJobs(q.connection, q.workDir, jobs, q)).map(decodeEdges);
  const m = parts.reduce((s, p) => s + p.src.length, 0);
  const out = { src: new Int32Array(m), dst: new Int32Array(m), score: new Float64Array(m) };
  let at = 0;
  for (const p of parts) {
    out.src.set(p.src, at); out.dst.set(p.dst, at); out.score.set(p.score, at);
    at += p.src.length;
  }
  return out;
}

/** Every photo's result, in the order given, from jobs of a few photos each. */
export async function queuedEmbed(q: QueuedRun, photos: string[], settings: { minScore: number; cropSize: number }, jobPhotos = DISTRIBUTED_DEFAULTS.jobPhotos): Promise<PhotoResult[]> {
  const run = sha256(new TextEncoder().encode(JSON.stringify({ photos, settings }))).slice(0, 20) + `-embed-${photos.length}`;
  mkdirSync(absolute(q, runDir(run), 'results'), { recursive: true });
  const jobs: JobData[] = ranges(photos.length, jobPhotos).map((r) => ({ kind: 'embed', run, photos: photos.slice(r.first, r.first + r.count), ...settings }));
  const results = await runJobs(q.connection, q.workDir, jobs, q);
  finishRun(q, run);
  return results.flatMap((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as PhotoResult[]);
}

/** Removes a finished run's inputs and results from the work directory. */
export function finishRun(q: QueuedRun, run: string): void {
  rmSync(absolute(q, runDir(run)), { recursive: true, force: true });
}
