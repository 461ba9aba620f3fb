/**
 * The pipeline's expensive stages as queued jobs: a run's inputs are written once to the work
 * directory, the work is cut into jobs (kNN query blocks, GCN pivot ranges, batches of photos),
 * and the checked results are put together in order — the same bytes a single process makes.
 *
 * A run's folder is named by its features' checksum, and each stage's inputs in it by theirs
 * (the kNN graph, the model, the GCN's input), so that a job names exactly what it computes on:
 * two coordinators with other settings on the same features never share a job, and a
 * coordinator started again with the same ones finds its inputs and finished jobs. Each
 * coordinator owns the run while it works (a file in the run's folder, touched every few
 * seconds); when it is done it removes its jobs from the queue, except those another live
 * owner still waits on, and the folder only when no other owner is alive.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { fail } from '../errors.js';
import { writeFileAtomic, writeKnn, writeNpy } from '../io/index.js';
import type { IpsOptions } from '../ips/index.js';
import type { PhotoResult } from '../embed/photo.node.js';
import { MODEL_FILES } from '../model/model.js';
import { usesFirstLayerTable } from '../model/score.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';
import { removeJobs, runJobs, type QueueRunOptions } from './coordinator.node.js';
import { decodeEdges, decodeKnnRows, embedRunIdOf, FEATURES_FILE, jobId, photoResults, runDir, runIdOf, sha256, type EmbedJob, type JobData } from './wire.node.js';

export interface QueuedRun extends QueueRunOptions {
  connection: Redis;
  workDir: string;
  /** Faces (kNN rows, GCN pivots) a job takes (default 2,048). */
  jobFaces?: number;
}

/** A coordinator's hold on a run: what it added to the queue, and the owner file that says it is alive. */
export interface RunHandle {
  run: string;
  /** This coordinator's owner file name in the run's owners/ folder. */
  owner: string;
  jobIds: Set<string>;
  heartbeat: NodeJS.Timeout;
}

export const DISTRIBUTED_DEFAULTS = Object.freeze({ jobFaces: 2048, jobPhotos: 16 });
/** How often an owner touches its file, and how old a file may be before its owner counts as gone (ms). */
export const OWNER_TIMING = Object.freeze({ heartbeatMs: 5_000, staleMs: 60_000 });

/** Cuts 0..n−1 into ranges of `size`. */
function ranges(n: number, size: number): { first: number; count: number }[] {
  const out = [];
  for (let first = 0; first < n; first += size) out.push({ first, count: Math.min(size, n - first) });
  return out;
}

function absolute(q: QueuedRun, ...parts: string[]): string {
  return join(q.workDir, ...parts);
}

/** Takes a share in run `run` (its folder made if new): an owner file, touched while this coordinator works. */
function own(q: QueuedRun, run: string): RunHandle {
  const owners = absolute(q, runDir(run), 'owners');
  try {
    mkdirSync(join(absolute(q, runDir(run)), 'results'), { recursive: true });
    mkdirSync(owners, { recursive: true });
  } catch (e) {
    fail('FAILED', `cannot write the work directory (${(e as NodeJS.ErrnoException).code})`, q.workDir);
  }
  const owner = `${hostname()}-${process.pid}-${randomBytes(6).toString('hex')}.json`;
  const handle: RunHandle = { run, owner, jobIds: new Set(), heartbeat: setInterval(() => {
    const now = new Date();
    try { utimesSync(join(owners, owner), now, now); } catch { /* the folder was removed under us: the jobs will say so */ }
  }, OWNER_TIMING.heartbeatMs) };
  handle.heartbeat.unref();
  writeOwner(q, handle);
  return handle;
}

function writeOwner(q: QueuedRun, h: RunHandle): void {
  writeFileAtomic(absolute(q, runDir(h.run), 'owners', h.owner), [new TextEncoder().encode(JSON.stringify({ jobs: [...h.jobIds] }))]);
}

/** Runs jobs for the run `h` holds, noting their ids in its owner file first (so that others keep them while it waits). */
async function ownedJobs(q: QueuedRun, h: RunHandle, jobs: JobData[]): Promise<Uint8Array[]> {
  for (const job of jobs) h.jobIds.add(jobId(job));
  writeOwner(q, h);
  return runJobs(q.connection, q.workDir, jobs, q);
}

/**
 * A run for these unit-length features: its id is their checksum, so a coordinator started again
 * on the same faces finds its inputs (and BullMQ its jobs) where it left them.
 */
export function prepareRun(q: QueuedRun, unit: Features): RunHandle {
  const run = runIdOf(unit);
  const handle = own(q, run);
  const path = absolute(q, runDir(run), FEATURES_FILE);
  if (!existsSync(path)) writeNpy(path, unit.data, [unit.n, unit.dim], 'f4');
  return handle;
}

/** Exact kNN rows of every face, self first, as buildKnn makes them, from query-block jobs. */
export async function queuedKnn(q: QueuedRun, h: RunHandle, unit: Features, k: number): Promise<KnnGraph> {
  if (k > unit.n - 1) fail('BAD_OPTION', `k = ${k} is larger than N − 1 = ${unit.n - 1} (there are only ${unit.n} faces)`);
  const w = k + 1;
  const jobs: JobData[] = ranges(unit.n, q.jobFaces ?? DISTRIBUTED_DEFAULTS.jobFaces).map((r) => ({ kind: 'knn', run: h.run, k, ...r }));
  const results = await ownedJobs(q, h, jobs);
  const indices = new Int32Array(unit.n * w), sims = new Float32Array(unit.n * w);
  results.forEach((bytes, j) => {
    const { first, count } = jobs[j] as { first: number; count: number };
    const rows = decodeKnnRows(bytes, count, k, unit.n, `job ${jobId(jobs[j]!)}`);
    indices.set(rows.indices, first * w);
    sims.set(rows.sims, first * w);
  });
  return { n: unit.n, k, indices, sims };
}

/** `write(tmp)` fills a new file or folder at `path` unless it is there: content-named run files are written once, whole. */
function writeOnce(path: string, write: (tmp: string) => void): void {
  if (existsSync(path)) return;
  // the same name behind a random prefix: writers that read the format off the extension still can
  const tmp = join(dirname(path), `.tmp-${randomBytes(6).toString('hex')}-${basename(path)}`);
  write(tmp);
  try {
    renameSync(tmp, path);
  } catch (e) {
    // another coordinator with the same input wrote it first (a folder is not replaced): theirs serves
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(path)) throw e;
  }
}

/** GCN link scores of every pivot, as parallelScoreLinks gives them, from pivot-range jobs. */
export async function queuedScores(q: QueuedRun, h: RunHandle, modelDir: string, input: Features, inputIsUnit: boolean, knn: KnnGraph,
  ips: IpsOptions): Promise<ScoredEdges> {
  const dir = absolute(q, runDir(h.run));
  // each input named by its checksum: a job names exactly what it computes on
  const knnName = `knn-${sha256(bytesOf(knn.indices), bytesOf(knn.sims!))}.npy`;
  writeOnce(join(dir, knnName), (tmp) => writeKnn(tmp, knn));
  const modelBytes = Object.values(MODEL_FILES).map((f) => readFileSync(join(modelDir, f)));
  const modelName = `model-${sha256(...modelBytes.map((b) => sha256(b)))}`;
  writeOnce(join(dir, modelName), (tmp) => {
    mkdirSync(tmp);
    for (const f of Object.values(MODEL_FILES)) cpSync(join(modelDir, f), join(tmp, f));
  });
  let inputName: string | undefined;
  if (!inputIsUnit) {
    inputName = `gcn-input-${sha256(bytesOf(input.data))}.npy`;
    writeOnce(join(dir, inputName), (tmp) => writeNpy(tmp, input.data, [input.n, input.dim], 'f4'));
  }
  // the same choice the single process makes, so that the scores are the same bits
  const firstLayer = usesFirstLayerTable(input.n, input.n);
  const jobs: JobData[] = ranges(input.n, q.jobFaces ?? DISTRIBUTED_DEFAULTS.jobFaces)
    .map((r) => ({ kind: 'gcn', run: h.run, ips, firstLayer, knn: knnName, model: modelName, ...(inputName ? { input: inputName } : {}), ...r }));
  const parts = (await ownedJobs(q, h, jobs)).map((bytes, j) => decodeEdges(bytes, input.n, `job ${jobId(jobs[j]!)}`));
  const m = parts.reduce((s, p) => s + p.src.length, 0);
  const out = { src: new Int32Array(m), dst: new Int32Array(m), score: new Float64Array(m) };
  let at = 0;
  for (const p of parts) {
    out.src.set(p.src, at); out.dst.set(p.dst, at); out.score.set(p.score, at);
    at += p.src.length;
  }
  return out;
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Every photo's result, in the order given, from jobs of a few photos each. */
export async function queuedEmbed(q: QueuedRun, photos: string[], settings: Pick<EmbedJob, 'minScore' | 'cropSize' | 'minFace'>,
  jobPhotos = DISTRIBUTED_DEFAULTS.jobPhotos): Promise<PhotoResult[]> {
  const run = embedRunIdOf(photos, settings);
  const h = own(q, run);
  let done = false;
  try {
    const jobs = ranges(photos.length, jobPhotos).map((r): JobData => ({ kind: 'embed', run, photos: photos.slice(r.first, r.first + r.count), ...settings }));
    const results = (await ownedJobs(q, h, jobs)).flatMap((bytes, j) => photoResults(bytes, (jobs[j] as { photos: string[] }).photos, `job ${jobId(jobs[j]!)}`));
    done = true;
    return results;
  } finally {
    await finishRun(q, h, { completed: done });
  }
}


/**
 * Lets go of a run: this coordinator's jobs leave the queue, except those another live owner
 * waits on; when it is the last owner alive and the run `completed`, the run's folder goes too
 * (a failed run keeps its inputs and finished results for a coordinator started again).
 */
export async function finishRun(q: QueuedRun, h: RunHandle, options: { completed: boolean } = { completed: true }): Promise<void> {
  clearInterval(h.heartbeat);
  const owners = absolute(q, runDir(h.run), 'owners');
  rmSync(join(owners, h.owner), { force: true });
  const othersWait = new Set<string>();
  let othersAlive = false;
  let names: string[] = [];
  try {
    names = readdirSync(owners);
  } catch {
    // the folder is already gone
  }
  for (const name of names) {
    try {
      if (Date.now() - statSync(join(owners, name)).mtimeMs > OWNER_TIMING.staleMs) continue;
      othersAlive = true;
      for (const id of (JSON.parse(readFileSync(join(owners, name), 'utf8')) as { jobs: string[] }).jobs) othersWait.add(id);
    } catch {
      // a file being written or removed: its owner is taken as alive, waiting on everything
      othersAlive = true;
      for (const id of h.jobIds) othersWait.add(id);
    }
  }
  await removeJobs(q.connection, q, [...h.jobIds].filter((id) => !othersWait.has(id)));
  if (options.completed && !othersAlive) rmSync(absolute(q, runDir(h.run)), { recursive: true, force: true });
}
