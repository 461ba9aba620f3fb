/**
 * The jobs a coordinator hands to workers, and how a worker does one. A job names its inputs by
 * paths relative to the work directory (each machine mounts it where it likes), writes its
 * result atomically to a file named by the job, and returns that file's name and SHA-256, which
 * the coordinator checks. A job's id is derived from everything that determines its result (the
 * run's features, the stage's input files, which are named by their checksums, and every
 * setting), so doing a job twice writes the same bytes, a job taken over from a killed worker
 * loses nothing, and two runs that differ in anything never share a job.
 *
 * Nothing read from the queue is trusted: a job is checked against the exact form of each field
 * (validateJob) before any path is built from it, and every path, once links are resolved, must
 * stay inside the work directory, or, for photos, inside a photo root the worker was given.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { EmbedOptions, FaceEmbedder } from '../embed/index.js';
import { MAX_IMAGE_SIDE, MIN_IMAGE_SIDE } from '../embed/image.js';
import { embedPhoto, type PhotoResult } from '../embed/photo.js';
import { OnnxEngine } from '../engine/onnx.js';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readFeatures, readKnn } from '../io/index.js';
import type { IpsOptions } from '../ips/index.js';
import { buildKnnRows } from '../knn/index.js';
import { loadModel } from '../model/files.js';
import type { Model } from '../model/model.js';
import { precomputeFirstLayer, type FirstLayerTable } from '../model/first-layer.js';
import { scoreLinks } from '../model/score.js';
import type { Features, KnnGraph } from '../types.js';

/** Exact kNN rows of faces first..first+count−1 against all faces of the run. */
export interface KnnJob { kind: 'knn'; run: string; first: number; count: number; k: number }
/**
 * GCN link scores of pivots first..first+count−1 over the run's kNN graph `knn`, with the model
 * in folder `model` and, for a model on raw features, the input `input` (run files named by
 * their checksums, RUN_FILE_FORMS); `firstLayer`: as the single-process run decides, so that
 * scores are identical.
 */
export interface GcnJob {
  kind: 'gcn'; run: string; first: number; count: number; ips: IpsOptions; firstLayer: boolean; knn: string; model: string; input?: string;
}
/** Descriptors of photos: paths relative to the work directory, or absolute inside a worker's photo roots. */
export interface EmbedJob { kind: 'embed'; run: string; photos: string[]; minScore: number; cropSize: number; minFace?: number }
export type JobData = KnnJob | GcnJob | EmbedJob;

export interface JobResult {
  /** The result file, relative to the work directory (the coordinator checks it is the one resultFile names). */
  file: string;
  sha256: string;
  /** Who did it (host:pid), for the coordinator's count of workers seen. */
  worker: string;
}

/** A run's folder, relative to the work directory. */
export const runDir = (run: string) => join('runs', run);
/** The features of a run, unit rows. */
export const FEATURES_FILE = 'features.npy';
/** The exact forms of run ids and of the stage files in a run's folder (named by their SHA-256). */
export const RUN_FORM = /^[0-9a-f]{20}-(\d{1,9}x\d{1,6}|embed-\d{1,9})$/;
export const RUN_FILE_FORMS = Object.freeze({ knn: /^knn-[0-9a-f]{64}\.npy$/, model: /^model-[0-9a-f]{64}$/, input: /^gcn-input-[0-9a-f]{64}\.npy$/ });

/** SHA-256 of the parts one after another, in hex. */
export function sha256(...parts: (Uint8Array | string)[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
}

/** The job's id: its run, kind and range, and a digest of every field, so that any difference makes another job. */
export function jobId(data: JobData): string {
  const digest = sha256(canonical(data)).slice(0, 16);
  return data.kind === 'embed' ? `${data.run}-embed-${digest}` : `${data.run}-${data.kind}-${data.first}-${data.count}-${digest}`;
}

/** JSON with every object's keys in order: the same job, the same text, whoever built it. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Where a job's result goes, relative to the work directory: derived from the job, never taken from a worker's word. */
export function resultFile(data: JobData): string {
  return join(runDir(data.run), 'results', `${jobId(data)}.bin`);
}

const isCount = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** The job, if every field has its exact form; otherwise a FaceclusterError saying which does not (a damaged or hostile payload). */
export function validateJob(data: unknown): JobData {
  const d = data as Record<string, unknown>;
  const bad = (what: string): never => fail('BAD_VALUE', `a job from the queue with ${what}: refused`);
  if (typeof d !== 'object' || d === null) bad('no fields');
  if (typeof d.run !== 'string' || !RUN_FORM.test(d.run)) bad(`a run id not of the form ${RUN_FORM.source}`);
  if (d.kind === 'knn' || d.kind === 'gcn') {
    if (!isCount(d.first, 0, 2 ** 31 - 1) || !isCount(d.count, 1, 2 ** 31 - 1)) bad('rows that are not a range of whole numbers');
    if (d.kind === 'knn' && !isCount(d.k, 1, 100_000)) bad('a k that is not a whole number from 1 to 100,000');
    if (d.kind === 'gcn') {
      const ips = d.ips as Record<string, unknown> | undefined;
      if (!ips || !isCount(ips.k1, 1, 10_000) || !isCount(ips.k2, 0, 10_000) || !isCount(ips.u, 1, 10_000)) bad('subgraph sizes that are not whole numbers');
      if (typeof d.firstLayer !== 'boolean') bad('no first-layer choice');
      if (typeof d.knn !== 'string' || !RUN_FILE_FORMS.knn.test(d.knn)) bad('a kNN file name not of its form');
      if (typeof d.model !== 'string' || !RUN_FILE_FORMS.model.test(d.model)) bad('a model folder name not of its form');
      if (d.input !== undefined && (typeof d.input !== 'string' || !RUN_FILE_FORMS.input.test(d.input))) bad('an input file name not of its form');
    }
  } else if (d.kind === 'embed') {
    const isPath = (p: unknown) => typeof p === 'string' && p.length > 0 && p.length < 4096 && !p.includes('\0');
    if (!Array.isArray(d.photos) || d.photos.length === 0 || d.photos.length > 10_000 || !d.photos.every(isPath)) bad('photos that are not a list of paths');
    if (typeof d.minScore !== 'number' || !(d.minScore >= 0 && d.minScore <= 1)) bad('a minimum score outside [0, 1]');
    if (!isCount(d.cropSize, 1, 100_000)) bad('a crop size that is not a whole number');
    if (d.minFace !== undefined && !isCount(d.minFace, MIN_IMAGE_SIDE, MAX_IMAGE_SIDE)) bad('a smallest face size that is not a whole number of pixels');
  } else {
    bad('an unknown kind');
  }
  return d as unknown as JobData;
}

/** `path` with links resolved, if it exists and lies inside one of `roots` (themselves resolved); else undefined. */
function inside(path: string, roots: readonly string[]): string | undefined {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  return roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep)) ? real : undefined;
}

/** The real path of a work-directory file `rel` (a name built from validated parts), refused if a link leads out of the work directory. */
function inWorkDir(workDir: string, rel: string, says = { what: 'the job\'s input', missing: 'cannot read the job\'s input: is the work directory shared with the coordinator (and given to the worker as the same folder)?' }): string {
  const path = join(workDir, rel);
  if (!existsSync(path)) fail('NOT_FOUND', says.missing, path);
  const real = inside(path, [realpathSync(workDir)]);
  if (real === undefined) fail('BAD_VALUE', `${says.what} leads out of the work directory (a link): refused`, path);
  return real;
}

/**
 * A photo of an embed job: relative names within the work directory, absolute ones within a
 * photo root; in both cases after links are resolved, and `..` never.
 */
export function photoPath(workDir: string, photoRoots: readonly string[], photo: string): string {
  if (photo.split(/[\\/]/).includes('..')) fail('BAD_VALUE', 'a photo path with .. in it: refused', photo);
  const path = isAbsolute(photo) ? photo : join(workDir, photo);
  if (!existsSync(path)) fail('NOT_FOUND', 'cannot read this photo: is it on a folder every machine shares?', path);
  const roots = [workDir, ...photoRoots].map((r) => realpathSync(resolve(r)));
  const real = inside(path, isAbsolute(photo) ? roots.slice(1) : roots);
  if (real === undefined) fail('BAD_VALUE', `a photo outside the work directory and the worker's photo roots (${photoRoots.length > 0 ? photoRoots.join(', ') : 'none given to the worker'}): refused`, photo);
  return real;
}

/** A run input, read from inside the work directory. */
function input<T>(workDir: string, rel: string, read: (path: string) => T): T {
  return read(inWorkDir(workDir, rel));
}

/**
 * What a worker keeps between jobs of one run: the features, kNN graph, model and first-layer
 * table are read (or computed) once, not once per job; another run empties it.
 */
export class RunCache {
  #run = '';
  #files = new Map<string, unknown>();
  #embedder?: Promise<FaceEmbedder>;
  #embedderKey = '';

  constructor(readonly workDir: string, readonly threads?: number, readonly photoRoots: readonly string[] = []) {}

  #get<T>(run: string, name: string, make: () => T): T {
    if (run !== this.#run) [this.#run, this.#files] = [run, new Map()];
    if (!this.#files.has(name)) this.#files.set(name, make());
    return this.#files.get(name) as T;
  }
  features(run: string): Features {
    return this.#get(run, FEATURES_FILE, () => input(this.workDir, join(runDir(run), FEATURES_FILE), (p) => readFeatures(p)));
  }
  /** The GCN's input: the job's raw features (a model without L2 normalisation), else the unit ones. */
  gcnInput(job: GcnJob): Features {
    return job.input === undefined ? this.features(job.run) : this.#get(job.run, job.input, () => input(this.workDir, join(runDir(job.run), job.input!),
      (p) => readFeatures(p)));
  }
  knn(job: GcnJob): KnnGraph {
    return this.#get(job.run, job.knn, () => input(this.workDir, join(runDir(job.run), job.knn), (p) => readKnn(p)));
  }
  model(job: GcnJob): Model {
    return this.#get(job.run, job.model, () => input(this.workDir, join(runDir(job.run), job.model), (p) => loadModel(p)));
  }
  table(job: GcnJob, engine: OnnxEngine): Promise<FirstLayerTable> {
    return this.#get(job.run, `${job.model} ${job.input ?? FEATURES_FILE} table`, () => precomputeFirstLayer(this.model(job).params, this.gcnInput(job), engine));
  }
  /** One face-api set-up per worker thread, made again only when a job asks for other settings. */
  embedder(job: EmbedJob, create: () => Promise<FaceEmbedder>): Promise<FaceEmbedder> {
    const key = `${job.minScore} ${job.cropSize} ${job.minFace}`;
    if (key !== this.#embedderKey) [this.#embedderKey, this.#embedder] = [key, create()];
    return this.#embedder!;
  }
}

/** Does one job: checks it, computes, writes the result file atomically, returns its name and checksum. */
export async function processJob(payload: unknown, cache: RunCache, worker: string,
  createEmbedder: (options: EmbedOptions) => Promise<FaceEmbedder>): Promise<JobResult> {
  const data = validateJob(payload);
  const bytes = await compute(data, cache, createEmbedder);
  const file = resultFile(data);
  const results = inWorkDir(cache.workDir, join(runDir(data.run), 'results'));
  writeFileAtomic(join(results, `${jobId(data)}.bin`), [bytes]);
  return { file, sha256: sha256(bytes), worker };
}

async function compute(data: JobData, cache: RunCache, createEmbedder: (options: EmbedOptions) => Promise<FaceEmbedder>): Promise<Uint8Array> {
  if (data.kind === 'embed') {
    const embedder = await cache.embedder(data, () => createEmbedder({ minScore: data.minScore, cropSize: data.cropSize, minFace: data.minFace }));
    const results: PhotoResult[] = [];
    for (const photo of data.photos) results.push(await embedPhoto(embedder, photoPath(cache.workDir, cache.photoRoots, photo), photo));
    return new TextEncoder().encode(JSON.stringify(results));
  }
  const engine = new OnnxEngine(cache.threads === undefined ? {} : { threads: cache.threads });
  try {
    const features = cache.features(data.run);
    if (data.first + data.count > features.n) fail('BAD_VALUE', `job rows ${data.first}..${data.first + data.count - 1} are not among the run's ${features.n} faces`);
    if (data.kind === 'knn') {
      if (data.k > features.n - 1) fail('BAD_VALUE', `a job with k = ${data.k} over ${features.n} faces`);
      const rows = await buildKnnRows(features, data.first, { k: data.k, count: data.count, method: 'exact', normalized: true, engine });
      // the rows' indices, then their similarities
      const out = new Uint8Array(rows.indices.byteLength + rows.sims.byteLength);
      out.set(new Uint8Array(rows.indices.buffer, rows.indices.byteOffset, rows.indices.byteLength));
      out.set(new Uint8Array(rows.sims.buffer, rows.sims.byteOffset, rows.sims.byteLength), rows.indices.byteLength);
      return out;
    }
    const model = cache.model(data);
    const pivots = Int32Array.from({ length: data.count }, (_, i) => data.first + i);
    const firstLayer = data.firstLayer ? await cache.table(data, engine) : false;
    const edges = await scoreLinks(model.params, cache.gcnInput(data), cache.knn(data), { ips: data.ips, backend: engine, pivots, firstLayer });
    return encodeEdges(edges.src, edges.dst, edges.score);
  } finally {
    await engine.dispose();
  }
}

/** Scored links as bytes: E int32 sources, E int32 targets, E float64 scores (the scores first, for alignment). */
function encodeEdges(src: Int32Array, dst: Int32Array, score: Float64Array): Uint8Array {
  const m = src.length;
  const out = new ArrayBuffer(m * 16);
  new Float64Array(out, 0, m).set(score);
  new Int32Array(out, m * 8, m).set(src);
  new Int32Array(out, m * 12, m).set(dst);
  return new Uint8Array(out);
}

/** Scored links from a result's bytes, checked: whole links, faces among the run's `n`, scores in [0, 1]. */
export function decodeEdges(bytes: Uint8Array, n: number, what: string): { src: Int32Array; dst: Int32Array; score: Float64Array } {
  if (bytes.byteLength % 16 !== 0) fail('BAD_FILE', `${what}: a result of ${bytes.byteLength} bytes is not whole links (16 bytes each)`);
  const m = bytes.byteLength / 16;
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const out = { score: new Float64Array(buf, 0, m), src: new Int32Array(buf, m * 8, m), dst: new Int32Array(buf, m * 12, m) };
  for (let e = 0; e < m; e++) {
    if (!(out.src[e]! >= 0 && out.src[e]! < n && out.dst[e]! >= 0 && out.dst[e]! < n)) fail('BAD_FILE', `${what}: link ${e} names a face outside [0, ${n})`);
    if (!(out.score[e]! >= 0 && out.score[e]! <= 1)) fail('BAD_FILE', `${what}: link ${e} has score ${out.score[e]}, not in [0, 1]`);
  }
  return out;
}

/** A job's result file, read from where the job's id puts it, after checking that the worker reported that file and its checksum. */
export function readResult(workDir: string, data: JobData, result: JobResult): Uint8Array {
  const id = jobId(data), file = resultFile(data);
  if (result.file !== file) fail('BAD_VALUE', `job ${id}'s worker reported its result as ${JSON.stringify(result.file)}, not ${file}: refused`);
  const real = inWorkDir(workDir, file, { what: `job ${id}'s result`, missing: `job ${id}'s result is not in the work directory: is it shared with the workers?` });
  const bytes = readFileSync(real);
  if (sha256(bytes) !== result.sha256) fail('BAD_FILE', `job ${id}'s result does not match the checksum its worker reported`, join(workDir, file));
  return bytes;
}
