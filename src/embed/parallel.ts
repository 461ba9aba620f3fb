/**
 * Photos described on several worker threads, each with its own TF.js engine (face-api's
 * WebAssembly backend runs on the thread that calls it). Photos are handed out one at a time, so
 * a slow photo holds up one thread only; each result is told as it arrives, and a photo's result
 * does not depend on the thread that made it. A worker that dies on a photo (a crash in a
 * decoder, memory) makes that photo's result a failure and is replaced; one that dies before it
 * is ready ends the run, since every other would too.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EmbedOptions } from './index.js';
import type { PhotoResult } from './photo.js';

export interface Photo {
  /** Where to read it. */
  path: string;
  /** Its name in faces.json. */
  image: string;
}

export interface ParallelEmbedOptions extends EmbedOptions {
  /** Worker threads (default: one per core, at most one per photo). */
  workers?: number;
  /** Told each photo's result as it is done, with the count done. */
  onResult: (photo: Photo, result: PhotoResult, done: number) => void;
  /** The worker script (default embed-worker.js beside this module); tests hand in one that fails. */
  workerUrl?: URL;
}

export async function embedPhotos(photos: readonly Photo[], options: ParallelEmbedOptions): Promise<void> {
  const count = Math.max(1, Math.min(photos.length, options.workers ?? availableParallelism()));
  // the embedder's settings only (functions and URLs do not cross to a worker)
  const settings: EmbedOptions = { minScore: options.minScore, cropSize: options.cropSize, minFace: options.minFace };
  const url = options.workerUrl ?? new URL('./embed-worker.js', import.meta.url);
  let next = 0, done = 0;
  const live = new Set<Worker>();
  /** One slot: a worker describing photos until none is left, replaced when it dies on one. */
  const slot = (index: number) => new Promise<void>((resolve, reject) => {
    const w = new Worker(url, { workerData: settings });
    live.add(w);
    let current: Photo | undefined, ready = false, released = false, ended = false;
    const send = () => {
      current = photos[next++];
      if (current === undefined) {
        released = true;
        w.postMessage(null);
      } else {
        w.postMessage(current);
      }
    };
    const died = (why: string) => {
      if (ended) return;
      ended = true;
      live.delete(w);
      void w.terminate();
      if (!ready) {
        reject(new Error(`embed worker ${index} failed to start: ${why}`));
      } else if (current !== undefined) {
        // the photo it was on is that photo's failure; a new worker takes the rest
        options.onResult(current, { image: current.image, error: `cannot be described (the worker stopped on it: ${why})` }, ++done);
        slot(index).then(resolve, reject);
      } else {
        reject(new Error(`embed worker ${index} stopped: ${why}`));
      }
    };
    w.on('message', (msg: PhotoResult | 'ready') => {
      if (msg === 'ready') ready = true;
      else options.onResult(current!, msg, ++done);
      send();
    });
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => {
      if (released && !ended) {
        ended = true;
        live.delete(w);
        resolve();
      } else {
        died(`exit code ${code}`);
      }
    });
  });
  try {
    await Promise.all(Array.from({ length: count }, (_, i) => slot(i)));
  } finally {
    await Promise.all([...live].map((w) => w.terminate()));
  }
}
