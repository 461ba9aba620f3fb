/**
 * The page's work, off the main thread so that the page stays responsive: photos to faces (face-api on TF.js's WebAssembly, on
 * photos the browser decodes upright at the CLI's size) and faces to people (facecluster's default clustering, onnxruntime-web).
 * It keeps nothing between messages but the loaded networks. Cancel is a message too: it is
 * read between photos (each photo's work awaits), so the networks stay loaded and the page
 * stays usable offline.
 */
import { clusterFaces, reviewQuestions, formatClusteringSummary, summarizeClustering, createBrowserFaceEmbedder, describePhoto, OnnxEngine, ortEnv, photoIds,
  type FaceEmbedder } from 'facecluster/browser';
import { decodeBlob } from './decode.js';
import type { FoundFace, FromWorker, ToWorker } from './messages.js';

const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker) => scope.postMessage(message);

ortEnv.wasm.wasmPaths = new URL('/ort/', location.href).href;
let embedder: Promise<FaceEmbedder> | undefined;
let cancelRequested = false;
const THUMB = 112;

function loadEmbedder(): Promise<FaceEmbedder> {
  embedder ??= createBrowserFaceEmbedder({ modelsUrl: new URL('/face-api/', location.href).href, wasmUrl: new URL('/tfjs/', location.href).href });
  return embedder;
}

/** Everything the work needs, fetched now, so that the page works offline once loaded: face-api's networks and onnxruntime's WebAssembly. */
async function load(): Promise<void> {
  const engine = new OnnxEngine();
  try {
    await Promise.all([loadEmbedder(), engine.gemm(Float32Array.of(1), Float32Array.of(1), 1, 1, 1, false, false)]);
  } finally {
    await engine.dispose();
  }
}

/** For each face box, a square crop around it, a little wider than the box, as a JPEG; the photo is decoded once. */
async function thumbnails(file: File, boxes: number[][]): Promise<Blob[]> {
  if (boxes.length === 0) return [];
  // upright, as the boxes were found (EXIF orientation applied), at full size, the boxes' frame
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    return await Promise.all(boxes.map((box) => {
      const [x, y, w, h] = box as [number, number, number, number];
      const side = Math.max(w, h) * 1.2;
      const canvas = new OffscreenCanvas(THUMB, THUMB);
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#777';
      context.fillRect(0, 0, THUMB, THUMB);
      context.drawImage(bitmap, x + w / 2 - side / 2, y + h / 2 - side / 2, side, side, 0, 0, THUMB, THUMB);
      return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    }));
  } finally {
    bitmap.close();
  }
}

async function embed(files: File[]): Promise<void> {
  cancelRequested = false;
  const faceApi = await loadEmbedder();
  for (const [i, file] of files.entries()) {
    if (cancelRequested) {
      post({ type: 'cancelled' });
      return;
    }
    const name = file.webkitRelativePath || file.name;
    // one bad photo is skipped with a warning, never the end of the run
    const { faces: found = [], error } = await describePhoto(faceApi, name, () => decodeBlob(file, name));
    let faces: FoundFace[] = [];
    let skipped = error !== undefined ? `${name}: ${error}` : undefined;
    try {
      const thumbs = found.length > 0 ? await thumbnails(file, found.map((face) => face.box!)) : [];
      faces = found.map((face, k) => ({ ...face, thumb: thumbs[k]! }));
    } catch (e) {
      skipped = `${name}: cannot be shown (${(e as Error).message})`;
    }
    post({ type: 'photo', done: i + 1, total: files.length, faces, ...(skipped !== undefined ? { skipped } : {}) });
  }
  post({ type: 'embedded' });
}

async function cluster(message: Extract<ToWorker, { type: 'cluster' }>): Promise<void> {
  const start = performance.now();
  const n = message.images.length;
  if (n === 0) {
    post({ type: 'clustered', labels: new Int32Array(0), seconds: 0, summary: 'no faces', questions: [] });
    return;
  }
  const features = { n, dim: message.dim, data: message.descriptors };
  const result = await clusterFaces(features, { photos: photoIds(message.images), constraints: message.constraints });
  const seconds = (performance.now() - start) / 1000;
  const questions = await reviewQuestions(features, result.labels, { answered: message.constraints,
    ...(result.linkThreshold ? { linkThreshold: result.linkThreshold } : {}) });
  post({ type: 'clustered', labels: result.labels, seconds, summary: formatClusteringSummary(summarizeClustering(result, seconds)), questions });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'cancel') {
    cancelRequested = true;
    return;
  }
  const work = message.type === 'load' ? load().then(() => post({ type: 'loaded' }))
    : message.type === 'embed' ? embed(message.files) : cluster(message);
  work.catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};
