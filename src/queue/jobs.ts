/**
 * The jobs a coordinator hands to workers, and how a worker does one. A job names its inputs by
 * paths relative to the work directory (each machine mounts it where it likes), writes its
 * result atomically to a file named by the job, and returns that file's name and SHA-256, which
 * the coordinator checks. Doing a job twice writes the same bytes: jobs are idempotent, so a
 * job taken over from a killed worker loses nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceEmbedder } from '../embed/index.js';
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
/** GCN link scores of pivots first..first+count−1; `firstLayer`: as the single-process run decides, so that scores are identical. */
export interface GcnJob { kind: 'gcn'; run: string; first: number; count: number; ips: IpsOptions; firstLayer: boolean }
/** Descriptors of photos (paths relative to the work directory, or absolute). */
export interface EmbedJob { kind: 'embed'; run: string; photos: string[]; minScore: number; cropSize: number }
export type JobData = KnnJob | GcnJob | EmbedJob;

export interface JobResult {
  /** The result file, relative to the work directory. */
  file: string;
  sha256: string;
  /** Who did it (host:pid), for the coordinator's count of workers seen. */
  worker: string;
}

/** A run's folder, relative to the work directory. */
export const runDir = (run: string) => join('runs', run);
/** A run's inputs: unit-length features (kNN), the GCN's input when its model wants raw features, the kNN graph and the model. */
export const RUN_FILES = Object.freeze({ features: 'features.npy', gcnInput: 'gcn-input.npy', knn: 'knn.npy', model: 'model' });

export function jobId(data: JobData): string {
  return data.kind === 'embed' ? `${data.run}-embed-${createHash('sha256').update(data.photos.join('\n')).digest('hex').slice(0, 16)}` : `${data.run}-${data.kind}-${data.first}-${data.count}`;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A run input, read with a message that says what to check when it is missing. */
function input<T>(workDir: string, rel: string, read: (path: string) => T): T {
  const path = join(workDir, rel);
  if (!existsSync(path)) fail('NOT_FOUND', `cannot read the job's input: is the work directory shared with the coordinator (and given to the worker as the same folder)?`, path);
  return read(path);
}

/**
 * What a worker keeps between jobs of one run: the features, kNN graph, model and first-layer
 * table are read (or computed) once, not once per job.
 */
export class RunCache {
  #run = '';
  #features?: Features;
  #gcnInput?: Features;
  #knn?: KnnGraph;
  #model?: Model;
  #table?: FirstLayerTable;
  #embedder?: Promise<FaceEmbedder>;
  #embedderRun = '';

  constructor(readonly workDir: string, readonly threads?: number) {}

  #select(run: string) {
    if (run === this.#run) return;
    this.#run = run;
    this.#features = this.#gcnInput = this.#knn = this.#model = this.#table = undefined;
  }
  features(run: string): Features {
    this.#select(run);
    return (this.#features ??= input(this.workDir, join(runDir(run), RUN_FILES.features), (p) => readFeatures(p)));
  }
  /** The GCN's input: the raw features when the run has them (a model without L2 normalisation), else the unit ones. */
  gcnInput(run: string): Features {
    this.#select(run);
    const raw = join(this.workDir, runDir(run), RUN_FILES.gcnInput);
    return (this.#gcnInput ??= existsSync(raw) ? readFeatures(raw) : this.features(run));
  }
  knn(run: string): KnnGraph {
    this.#select(run);
    return (this.#knn ??= input(this.workDir, join(runDir(run), RUN_FILES.knn), (p) => readKnn(p)));
  }
  model(run: string): Model {
    this.#select(run);
    return (this.#model ??= input(this.workDir, join(runDir(run), RUN_FILES.model), (p) => loadModel(p)));
  }
  async table(run: string, engine: OnnxEngine): Promise<FirstLayerTable> {
    this.#select(run);
    return (this.#table ??= await precomputeFirstLayer(this.model(run).params, this.gcnInput(run), engine));
  }
  /** One face-api set-up per worker: the settings are a run's, and a worker serves one run at a time. */
  embedder(run: string, create: () => Promise<FaceEmbedder>): Promise<FaceEmbedder> {
    if (run !== this.#embedderRun) [this.#embedderRun, this.#embedder] = [run, create()];
    return this.#embedder!;
  }
}

/** Does one job: computes, writes the result file atomically, returns its name and checksum. */
export async function processJob(data: JobData, cache: RunCache, worker: string, createEmbedder: (minScore: number, cropSize: number) => Promise<FaceEmbedder>): Promise<JobResult> {
  const bytes = await compute(data, cache, createEmbedder);
  const file = join(runDir(data.run), 'results', `${jobId(data)}.bin`);
  writeFileAtomic(join(cache.workDir, file), [bytes]);
  return { file, sha256: sha256(bytes), worker };
}

async function compute(data: JobData, cache: RunCache, createEmbedder: (minScore: number, cropSize: number) => Promise<FaceEmbedder>): Promise<Uint8Array> {
  if (data.kind === 'embed') {
    const embedder = await cache.embedder(data.run, () => createEmbedder(data.minScore, data.cropSize));
    const results: PhotoResult[] = [];
    for (const photo of data.photos) {
      const path = photo.startsWith('/') ? photo : join(cache.workDir, photo);
      // a photo the coordinator saw but this machine cannot: the folder is not shared
      if (!existsSync(path)) fail('NOT_FOUND', 'cannot read this photo: is it on a folder every machine shares?', path);
      results.push(await embedPhoto(embedder, path, photo));
    }
    return new TextEncoder().encode(JSON.stringify(results));
  }
  const engine = new OnnxEngine(cache.threads === undefined ? {} : { threads: cache.threads });
  try {
    const features = cache.features(data.run);
    if (data.first < 0 || data.count < 1 || data.first + data.count > features.n) fail('BAD_VALUE', `job rows ${data.first}..${data.first + data.count - 1} are not among the run's ${features.n} faces`);
    if (data.kind === 'knn') {
      const rows = await buildKnnRows(features, data.first, { k: data.k, count: data.count, method: 'exact', normalized: true, engine });
      // the rows' indices, then their similarities
      const out = new Uint8Array(rows.indices.byteLength + rows.sims.byteLength);
      out.set(new Uint8Array(rows.indices.buffer, rows.indices.byteOffset, rows.indices.byteLength));
      out.set(new Uint8Array(rows.sims.buffer, rows.sims.byteOffset, rows.sims.byteLength), rows.indices.byteLength);
      return out;
    }
    const model = cache.model(data.run);
    const pivots = Int32Array.from({ length: data.count }, (_, i) => data.first + i);
    const firstLayer = data.firstLayer ? await cache.table(data.run, engine) : false;
    const edges = await scoreLinks(model.params, cache.gcnInput(data.run), cache.knn(data.run), { ips: data.ips, backend: engine, pivots, firstLayer });
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

export function decodeEdges(bytes: Uint8Array): { src: Int32Array; dst: Int32Array; score: Float64Array } {
  const m = bytes.byteLength / 16;
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { score: new Float64Array(buf, 0, m), src: new Int32Array(buf, m * 8, m), dst: new Int32Array(buf, m * 12, m) };
}

/** A job's result file, after checking it is the one the worker reported. */
export function readResult(workDir: string, result: JobResult, id: string): Uint8Array {
  const path = join(workDir, result.file);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    fail('NOT_FOUND', `job ${id}'s result is not in the work directory (${(e as NodeJS.ErrnoException).code}): is it shared with the workers?`, path);
  }
  if (sha256(bytes) !== result.sha256) fail('BAD_FILE', `job ${id}'s result does not match the checksum its worker reported`, path);
  return bytes;
}
