/**
 * Faces from photos in Node: face-api's networks load from the weights that ship inside its
 * package, on TensorFlow.js's WebAssembly backend (its native backend does not install
 * everywhere). See embedder.ts for what is done to each photo and decode.node.ts for decoding.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api';
import { FACE_API_NETS, FaceEmbedder, type EmbedOptions } from './embedder.js';

export { FaceEmbedder, MODEL_NAME, CROP_EVIDENCE, EMBED_DEFAULTS, type EmbedOptions, type EmbeddedFace } from './embedder.js';
export { decodePhoto, type DecodeOptions } from './decode.node.js';
export { checkImageSize, DECODE_SIDE, IMAGE_EXTENSIONS, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MIN_IMAGE_SIDE, type DecodedImage, type DecodedPhoto } from './image.js';

const require = createRequire(import.meta.url);

/** The detector and descriptor networks, loaded once; reuse the embedder for every photo. */
export async function createFaceEmbedder(options: EmbedOptions = {}): Promise<FaceEmbedder> {
  const tf = require('@tensorflow/tfjs') as typeof Tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths: (p: string) => void };
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  const models = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  for (const net of FACE_API_NETS) await api.nets[net].loadFromDisk(models);
  return FaceEmbedder.over(api, tf, options);
}
