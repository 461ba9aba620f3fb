/**
 * Photos described on several worker threads, each with its own TF.js engine (face-api's
 * WebAssembly backend runs on the thread that calls it). Photos are handed out one at a time, so
 * a slow photo holds up one thread only; each result is told as it arrives, and a photo's result
 * does not depend on the thread that made it. A worker that dies on a photo (a crash in a
 * decoder, memory) makes that photo's result a failure and is replaced; one that dies before it
 * is ready ends the run, since every other would too.
 */
import { availableParallelism } from 'node:os';
import { runThreadPool } from '../thread-pool.node.js';
import type { EmbedOptions } from './embedder.node.js';
import type { PhotoResult } from './photo.node.js';

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
  /** The worker script (default embed-thread.node.js beside this module); tests hand in one that fails. */
  workerUrl?: URL;
}

export async function embedPhotos(photos: readonly Photo[], options: ParallelEmbedOptions): Promise<void> {
  const count = Math.max(1, Math.min(photos.length, options.workers ?? availableParallelism()));
  // the embedder's settings only (functions and URLs do not cross to a worker)
  const settings: EmbedOptions = { minScore: options.minScore, cropSize: options.cropSize, minFace: options.minFace };
  let next = 0, done = 0;
  await runThreadPool<Photo, PhotoResult>({
    url: options.workerUrl ?? new URL('./embed-thread.node.js', import.meta.url),
    workerData: settings,
    workers: count,
    name: 'embed',
    announceReady: true,
    next: () => photos[next++],
    describe: (photo) => `describing ${photo.path}`,
    onResult: (photo, result) => options.onResult(photo, result, ++done),
    // the photo it was on is that photo's failure; a new worker takes the rest
    onLost: (photo, why) => {
      options.onResult(photo, { image: photo.image, error: `cannot be described (the worker stopped on it: ${why})` }, ++done);
      return true;
    },
  });
}
