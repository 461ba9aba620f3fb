/**
 * Photos described on several worker threads, each with its own TF.js engine (face-api's
 * WebAssembly backend runs on the thread that calls it). Photos are handed out one at a time, so
 * a slow photo holds up one thread only; each result is told as it arrives, and a photo's result
 * does not depend on the thread that made it.
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
}

export async function embedPhotos(photos: readonly Photo[], options: ParallelEmbedOptions): Promise<void> {
  const count = Math.max(1, Math.min(photos.length, options.workers ?? availableParallelism()));
  const settings: EmbedOptions = { ...(options.minScore !== undefined ? { minScore: options.minScore } : {}), ...(options.cropSize !== undefined ? { cropSize: options.cropSize } : {}) };
  let next = 0, done = 0;
  const workers = Array.from({ length: count }, () => new Worker(new URL('./embed-worker.js', import.meta.url), { workerData: settings }));
  try {
    await Promise.all(workers.map((w, index) => new Promise<void>((resolve, reject) => {
      let current: Photo | undefined, released = false;
      const send = () => {
        current = photos[next++];
        if (current === undefined) {
          released = true;
          w.postMessage(null);
        } else {
          w.postMessage(current);
        }
      };
      w.on('message', (msg: PhotoResult | 'ready') => {
        if (msg !== 'ready') options.onResult(current!, msg, ++done);
        send();
      });
      w.on('error', (e) => reject(new Error(`embed worker ${index} failed${current ? ` on ${current.path}` : ''}: ${e.message}`)));
      w.on('exit', (code) => (released ? resolve() : reject(new Error(`embed worker ${index} exited (code ${code})${current ? ` on ${current.path}` : ''}`))));
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
