/**
 * face-api in a browser, on TF.js's WebAssembly backend as in Node (embedder.node.ts), with the
 * same kernels as the CLI (the page decodes photos with the browser's own decoders, upright and
 * at DECODE_SIDE, as decode.node.ts does in Node). The networks' weights and the .wasm files are
 * fetched from the page's own origin. Loaded on demand: a page that only clusters descriptors
 * never downloads TF.js.
 */
import type * as Tf from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api';
import { FACE_API_NETS, FaceEmbedder, type EmbedOptions } from './embedder.js';

export interface BrowserEmbedderOptions extends EmbedOptions {
  /** Where face-api's weights are served (its package's model/ folder). */
  modelsUrl: string;
  /** Where @tensorflow/tfjs-backend-wasm's .wasm files are served (its dist/ folder). */
  wasmUrl: string;
}

export async function createBrowserFaceEmbedder(options: BrowserEmbedderOptions): Promise<FaceEmbedder> {
  const [tf, wasm, api] = await Promise.all([
    import('@tensorflow/tfjs') as Promise<typeof Tf>,
    import('@tensorflow/tfjs-backend-wasm') as Promise<{ setWasmPaths: (prefix: string) => void }>,
    import('@vladmandic/face-api/dist/face-api.esm-nobundle.js') as unknown as Promise<typeof FaceApi>,
  ]);
  useWorkerEnvironment(api);
  wasm.setWasmPaths(options.wasmUrl.endsWith('/') ? options.wasmUrl : `${options.wasmUrl}/`);
  // one thread, as in Node: the same kernels, the same descriptors
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  for (const net of FACE_API_NETS) await api.nets[net].loadFromUri(options.modelsUrl);
  return FaceEmbedder.over(api, tf, options);
}

/**
 * face-api looks for a DOM (window, HTMLCanvasElement, …) or Node and finds neither in a Web
 * Worker. Images are handed to it as tensors here, so it needs only fetch (for its weights); the
 * rest is OffscreenCanvas where a worker has it, and refused otherwise.
 */
function useWorkerEnvironment(api: typeof FaceApi): void {
  if (api.env.isBrowser() || api.env.isNodejs()) return;
  const scope = globalThis as unknown as Record<string, (new (...args: number[]) => unknown) | undefined>;
  class Missing {}
  const refuse = (): never => {
    throw new Error('face-api asked for a DOM element in a worker; hand it tensors');
  };
  api.env.setEnv({
    Canvas: scope.OffscreenCanvas ?? Missing, CanvasRenderingContext2D: scope.OffscreenCanvasRenderingContext2D ?? Missing,
    Image: Missing, ImageData: scope.ImageData ?? Missing, Video: Missing,
    createCanvasElement: () => (scope.OffscreenCanvas ? new scope.OffscreenCanvas(1, 1) : refuse()),
    createImageElement: refuse, createVideoElement: refuse,
    fetch: (url: string, init?: unknown) => fetch(url, init as never),
    readFile: refuse,
  } as never);
}
