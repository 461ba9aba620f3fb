/** What the page and its worker say to each other (app.ts ⇄ worker.ts). */
import type { FaceRecord, Question } from 'facecluster/browser';

export type ToWorker =
  | { type: 'load' }
  | { type: 'embed'; files: File[] }
  /** Stop describing photos after the current one (the worker answers 'cancelled'). */
  | { type: 'cancel' }
  /** The faces' descriptors (n × dim), each face's photo, and the user's answers (pairs of faces). */
  | { type: 'cluster'; descriptors: Float32Array; dim: number; images: string[]; constraints: { mustLink: [number, number][]; cannotLink: [number, number][] } };

export interface FoundFace extends FaceRecord {
  descriptor: Float32Array;
  /** A square crop around the face, for the gallery. */
  thumb: Blob;
}

export type FromWorker =
  | { type: 'loaded' }
  | { type: 'photo'; done: number; total: number; faces: FoundFace[]; skipped?: string }
  | { type: 'embedded' }
  | { type: 'cancelled' }
  /** summary: the CLI's one-line summary of the clustering (formatClusteringSummary). */
  /** questions: review's, about these labels, the answered pairs left out. */
  | { type: 'clustered'; labels: Int32Array; seconds: number; summary: string; questions: Question[] }
  | { type: 'error'; message: string };
