/**
 * What travels between a coordinator and its workers, in one place: the jobs (their exact forms,
 * checked on arrival, and their ids), the run ids, and each kind of result as bytes, encoded by
 * the worker and decoded, checked, by the coordinator. Nothing here touches the queue or a
 * file; the work directory's layout is named here so that both sides agree on it.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MAX_IMAGE_SIDE, MIN_IMAGE_SIDE } from '../embed/image.js';
import type { PhotoResult } from '../embed/photo.node.js';
import { fail } from '../errors.js';
import type { IpsOptions } from '../ips/index.js';
import type { Features } from '../types.js';

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

/** A kNN run's id: its unit features' checksum and shape, so that a coordinator started again on the same faces finds its inputs and jobs. */
export function runIdOf(unit: Features): string {
  return `${sha256(new Uint8Array(unit.data.buffer, unit.data.byteOffset, unit.data.byteLength)).slice(0, 20)}-${unit.n}x${unit.dim}`;
}

/** An embed run's id: the photos and settings' checksum and the photo count. */
export function embedRunIdOf(photos: readonly string[], settings: Pick<EmbedJob, 'minScore' | 'cropSize' | 'minFace'>): string {
  return `${sha256(JSON.stringify({ photos, settings })).slice(0, 20)}-embed-${photos.length}`;
}

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

/** A kNN job's result: its rows' neighbour indices, then their similarities. */
export function encodeKnnRows(rows: { indices: Int32Array; sims: Float32Array }): Uint8Array {
  const out = new Uint8Array(rows.indices.byteLength + rows.sims.byteLength);
  out.set(new Uint8Array(rows.indices.buffer, rows.indices.byteOffset, rows.indices.byteLength));
  out.set(new Uint8Array(rows.sims.buffer, rows.sims.byteOffset, rows.sims.byteLength), rows.indices.byteLength);
  return out;
}

/** A kNN job's rows, checked: `count` rows of k + 1 neighbours among the run's `n` faces, each similarity a cosine. */
export function decodeKnnRows(bytes: Uint8Array, count: number, k: number, n: number, what: string): { indices: Int32Array; sims: Float32Array } {
  const w = k + 1;
  if (bytes.byteLength !== count * w * 8) fail('BAD_FILE', `${what}: a result of ${bytes.byteLength} bytes, not ${count * w * 8}`);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const indices = new Int32Array(buf, 0, count * w), sims = new Float32Array(buf, count * w * 4, count * w);
  for (let i = 0; i < indices.length; i++) {
    if (!(indices[i]! >= 0 && indices[i]! < n)) fail('BAD_FILE', `${what}: neighbour ${indices[i]} is not among the ${n} faces`);
    if (!(Math.abs(sims[i]!) <= 1.001)) fail('BAD_FILE', `${what}: similarity ${sims[i]} is not a cosine`);
  }
  return { indices, sims };
}

/** Scored links as bytes: E int32 sources, E int32 targets, E float64 scores (the scores first, for alignment). */
export function encodeEdges(src: Int32Array, dst: Int32Array, score: Float64Array): Uint8Array {
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

/** An embed job's result: each photo's faces or error, as JSON. */
export function encodePhotoResults(results: readonly PhotoResult[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(results));
}

/** An embed job's results, checked: one per photo asked for, in order, each a face list or an error of the right shape. */
export function photoResults(bytes: Uint8Array, photos: string[], what: string): PhotoResult[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    fail('BAD_FILE', `${what}: a result that is not JSON`);
  }
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!Array.isArray(parsed) || parsed.length !== photos.length) fail('BAD_FILE', `${what}: a result for ${Array.isArray(parsed) ? parsed.length : 'no'} photos, not ${photos.length}`);
  return parsed.map((r: Partial<PhotoResult>, i) => {
    const ok = r !== null && typeof r === 'object' && r.image === photos[i]
      && (r.error === undefined || typeof r.error === 'string')
      && (r.faces === undefined || (Array.isArray(r.faces) && r.faces.every((f) => f !== null && typeof f === 'object'
        && Array.isArray(f.descriptor) && f.descriptor.length > 0 && f.descriptor.length <= 4096 && f.descriptor.every(finite)
        && (f.box === undefined || (Array.isArray(f.box) && f.box.length === 4 && f.box.every(finite)))
        && (f.landmarks === undefined || (Array.isArray(f.landmarks) && f.landmarks.every((p) => Array.isArray(p) && p.length === 2 && p.every(finite))))
        && (f.score === undefined || finite(f.score)) && (f.model === undefined || typeof f.model === 'string'))))
      && (r.faces !== undefined || r.error !== undefined);
    if (!ok) fail('BAD_FILE', `${what}: the result for photo ${i} (${photos[i]}) is not a photo's faces`);
    return r as PhotoResult;
  });
}
