/**
 * How a worker does a job (their forms and ids are in wire.ts). A job names its inputs by paths
 * relative to the work directory (each machine mounts it where it likes), writes its result
 * atomically to a file named by the job, and returns that file's name and SHA-256, which the
 * coordinator checks (readResult). A job's id is derived from everything that determines its
 * result (the run's features, the stage's input files, which are named by their checksums, and
 * every setting), so doing a job twice writes the same bytes, a job taken over from a killed
 * worker loses nothing, and two runs that differ in anything never share a job.
 *
 * Nothing read from the queue is trusted: a job is checked against the exact form of each field
 * (validateJob) before any path is built from it, and every path, once links are resolved, must
 * stay inside the work directory, or, for photos, inside a photo root the worker was given.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { EmbedOptions, FaceEmbedder } from '../embed/embedder.node.js';
import { embedPhoto, type PhotoResult } from '../embed/photo.node.js';
import { OnnxEngine } from '../engine/onnx.js';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.node.js';
import { readFeatures, readKnn } from '../io/index.js';
import { buildKnnRows } from '../knn/index.js';
import { loadModel } from '../model/files.node.js';
import type { Model } from '../model/model.js';
import { precomputeFirstLayer, type FirstLayerTable } from '../model/first-layer.js';
import { scoreLinks } from '../model/score.js';
import type { Features, KnnGraph } from '../types.js';
import { encodeEdges, encodeKnnRows, encodePhotoResults, FEATURES_FILE, jobId, resultFile, runDir, sha256, validateJob,
  type EmbedJob, type GcnJob, type JobData, type JobResult } from './wire.node.js';



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
    if (job.input === undefined) return this.features(job.run);
    return this.#get(job.run, job.input, () => input(this.workDir, join(runDir(job.run), job.input!), (p) => readFeatures(p)));
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
    return encodePhotoResults(results);
  }
  const engine = new OnnxEngine(cache.threads === undefined ? {} : { threads: cache.threads });
  try {
    const features = cache.features(data.run);
    if (data.first + data.count > features.n) fail('BAD_VALUE', `job rows ${data.first}..${data.first + data.count - 1} are not among the run's ${features.n} faces`);
    if (data.kind === 'knn') {
      if (data.k > features.n - 1) fail('BAD_VALUE', `a job with k = ${data.k} over ${features.n} faces`);
      return encodeKnnRows(await buildKnnRows(features, data.first, { k: data.k, count: data.count, method: 'exact', normalized: true, engine }));
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

/** A job's result file, read from where the job's id puts it, after checking that the worker reported that file and its checksum. */
export function readResult(workDir: string, data: JobData, result: JobResult): Uint8Array {
  const id = jobId(data), file = resultFile(data);
  if (result.file !== file) fail('BAD_VALUE', `job ${id}'s worker reported its result as ${JSON.stringify(result.file)}, not ${file}: refused`);
  const real = inWorkDir(workDir, file, { what: `job ${id}'s result`, missing: `job ${id}'s result is not in the work directory: is it shared with the workers?` });
  const bytes = readFileSync(real);
  if (sha256(bytes) !== result.sha256) fail('BAD_FILE', `job ${id}'s result does not match the checksum its worker reported`, join(workDir, file));
  return bytes;
}
