/**
 * onnxruntime in a browser: onnxruntime-web's WebAssembly kernels (SIMD; threads when the page is
 * cross-origin isolated, since they need SharedArrayBuffer). Where the .wasm file is served
 * from is set on `ort.env.wasm.wasmPaths` (see src/browser.ts). Node builds use runtime.node.ts.
 */
import * as ort from 'onnxruntime-web/wasm';
import { fail } from '../errors.js';
import type { OrtRuntime, RuntimeKind } from './onnx.js';

/** onnxruntime-web's settings (where its .wasm files are served, threads), for the page to set before the first engine runs. */
export const ortEnv = ort.env;

/** The page's cores when it may share memory between threads, else one. */
export function defaultThreads(): number {
  const page = globalThis as { navigator?: { hardwareConcurrency?: number }; crossOriginIsolated?: boolean };
  return page.crossOriginIsolated ? Math.max(1, page.navigator?.hardwareConcurrency ?? 1) : 1;
}

export async function loadRuntime(kind: RuntimeKind | 'auto' = 'auto', threads = defaultThreads()): Promise<{ ort: OrtRuntime; kind: RuntimeKind }> {
  if (kind === 'native') fail('UNSUPPORTED', 'the native onnxruntime (onnxruntime-node) does not run in a browser; use the WebAssembly one');
  if (ort.env.wasm.numThreads === undefined) ort.env.wasm.numThreads = threads;
  return { ort, kind: 'wasm' };
}
