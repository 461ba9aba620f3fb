/** A worker thread of embedPhotos: its own face-api engine, describing the photos it is sent one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { createFaceEmbedder, type EmbedOptions } from './embedder.node.js';
import { embedPhoto } from './photo.node.js';

// libvips' settings are the process's: each worker decodes one photo at a time on its own
// thread (libvips' threads would only contend with the other workers), and nothing is cached
// (a photo is never read twice)
sharp.concurrency(1);
sharp.cache(false);

const embedder = await createFaceEmbedder(workerData as EmbedOptions);
const port = parentPort!;
port.on('message', async (msg: { path: string; image: string } | null) => {
  if (msg === null) {
    port.close();
    return;
  }
  port.postMessage(await embedPhoto(embedder, msg.path, msg.image));
});
port.postMessage('ready');
