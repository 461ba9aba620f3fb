/** A worker thread of embedPhotos: its own face-api engine, describing the photos it is sent one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { createFaceEmbedder, type EmbedOptions } from './index.js';
import { embedPhoto } from './photo.js';

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
