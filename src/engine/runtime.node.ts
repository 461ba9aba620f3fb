/**
 * onnxruntime in Node. The native CPU kernels of onnxruntime-node when it is installed; it is an
 * optional dependency because its install script fetches CUDA binaries from outside the npm
 * registry, which fails where only the registry is reachable (npm then leaves it out). Without
 * it, the same kernels compiled to WebAssembly (onnxruntime-web), a few times slower (README).
 * The browser build maps `#runtime` to runtime.browser.ts instead (package.json "imports").
 */
import { availableParallelism } from 'node:os';
import type { OrtRuntime, RuntimeKind } from './onnx.js';

export function defaultThreads(): number {
  return availableParallelism();
}

/** True when the failure is the package being absent, not a broken install. */
function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** onnxruntime-node, or undefined where it is not installed (a broken install still throws). */
async function importNative(): Promise<OrtRuntime | undefined> {
  try {
    return await import('onnxruntime-node');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** onnxruntime of the kind asked for; 'auto' prefers the native kernels. */
export async function loadRuntime(kind: RuntimeKind | 'auto' = 'auto', threads = defaultThreads()): Promise<{ ort: OrtRuntime; kind: RuntimeKind }> {
  if (kind === 'native') return { ort: await import('onnxruntime-node'), kind: 'native' };
  const native = kind === 'auto' ? await importNative() : undefined;
  if (native) return { ort: native, kind: 'native' };
  const web = await import('onnxruntime-web');
  // the WebAssembly engine takes its thread count once, before its first session
  web.env.wasm.numThreads = threads;
  return { ort: web, kind: 'wasm' };
}

/** Whether onnxruntime-node is installed (engines then run its native kernels). */
export async function nativeRuntimeInstalled(): Promise<boolean> {
  return (await importNative()) !== undefined;
}
