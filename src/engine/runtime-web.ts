/**
 * onnxruntime in a browser: onnxruntime-web's WebAssembly kernels (SIMD; threads when the page is
 * cross-origin isolated, since they need SharedArrayBuffer). Where the .wasm file is served
 * from is set on `ort.env.wasm.wasmPaths` (see src/browser.ts). Node builds use runtime.ts.
 */
import * as ort from 'onnxruntime-web/wasm';
import type { OrtRuntime, RuntimeKind } from './onnx.js';

/** The page's cores when it may share memory between threads, else one. */
export function defaultThreads(): number {
  const page = globalThis as { navigator?: { hardwareConcurrency?: number }; crossOriginIsolated?: boolean };
  return page.crossOriginIsolated ? Math.max(1, page.navigator?.hardwareConcurrency ?? 1) : 1;
}

export async function loadRuntime(kind: RuntimeKind | 'auto' = 'auto', threads = defaultThreads()): Promise<{ ort: OrtRuntime; kind: RuntimeKind }> {
  if (kind === 'native') throw new Error('the native onnxruntime is not available in a browser');
  if (ort.env.wasm.numThreads === undefined) ort.env.wasm.numThreads = threads;
  return { ort, kind: 'wasm' };
}
