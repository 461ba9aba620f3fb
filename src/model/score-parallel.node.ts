/**
 * scoreLinks over worker threads: each worker has its own single-threaded onnxruntime engine
 * and takes chunks of pivots from a queue, so that the sparse products and batch assembly (plain
 * JavaScript) run on every core instead of one. The result equals scoreLinks' exactly: the
 * same batches are not guaranteed, but each subgraph's scores do not depend on its batch.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { OnnxEngine } from '../engine/onnx.js';
import type { IpsOptions } from '../ips/index.js';
import type { Features, KnnGraph, ScoredEdges } from '../types.js';
import { runThreadPool } from '../thread-pool.node.js';
import { precomputeFirstLayer, type FirstLayerTable } from './first-layer.js';
import type { Params } from './params.js';
import { usesFirstLayerTable } from './score.js';

/** The array itself if it already lives in shared memory, else a copy that does: workers read it without a copy each. */
function shared<T extends Float32Array | Int32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

export interface ParallelScoreOptions {
  ips: IpsOptions;
  /** Worker threads, and the first layer's table's engine threads (default: one per core). */
  workers?: number;
  /** Pivots to score (default: every face). */
  pivots?: Int32Array;
  /** Pivots a worker takes at a time (default: about a sixteenth of each worker's share, 16 to 256). */
  chunk?: number;
  batchRows?: number;
  /** As in ScoreOptions; a table is computed once and shared by the workers. */
  firstLayer?: FirstLayerTable | boolean;
  onProgress?: (done: number, total: number) => void;
  /** Told the workers once they are started (a supervisor, or a test that stops one). */
  onWorkers?: (workers: readonly Worker[]) => void;
}

export async function parallelScoreLinks(params: Params, features: Features, knn: KnnGraph, options: ParallelScoreOptions): Promise<ScoredEdges> {
  const pivots = options.pivots ?? Int32Array.from({ length: features.n }, (_, i) => i);
  const n = pivots.length, k1 = options.ips.k1;
  const wanted = Math.max(1, options.workers ?? availableParallelism());
  // small chunks keep the workers finishing together; large ones keep batches full
  const chunk = options.chunk ?? Math.min(256, Math.max(16, Math.ceil(n / (wanted * 16))));
  const count = Math.min(wanted, Math.ceil(n / chunk));
  const src = new Int32Array(n * k1), dst = new Int32Array(n * k1), score = new Float64Array(n * k1);
  let next = 0, done = 0;
  // the first layer's table is computed once here, on every core, and shared with the workers
  let firstLayer = options.firstLayer ?? usesFirstLayerTable(n, features.n);
  if (firstLayer === true) {
    const engine = new OnnxEngine(options.workers ? { threads: options.workers } : {});
    try {
      firstLayer = await precomputeFirstLayer(params, features, engine, { shared: true });
    } finally {
      await engine.dispose();
    }
  }
  // with the first layer's table the workers never read the features: they get none (at
  // 200,000 × 512 that was a 410 MB copy into shared memory)
  const sharedFeatures: Features = firstLayer ? { ...features, data: new Float32Array(0) } : { ...features, data: shared(features.data) };
  const sharedKnn: KnnGraph = { ...knn, indices: shared(knn.indices) };
  await runThreadPool<{ start: number; end: number }, ScoredEdges>({
    url: new URL('./score-thread.node.js', import.meta.url),
    workerData: { params, features: sharedFeatures, knn: sharedKnn, ips: options.ips, batchRows: options.batchRows ?? 8192, firstLayer },
    workers: count,
    name: 'GCN',
    next: () => {
      if (next >= n) return undefined;
      const start = next;
      next = Math.min(n, next + chunk);
      return { start, end: next };
    },
    message: ({ start, end }) => ({ pivots: pivots.slice(start, end) }),
    describe: ({ start, end }) => `scoring pivots ${start}..${end - 1}`,
    onResult: ({ start }, e) => {
      src.set(e.src, start * k1);
      dst.set(e.dst, start * k1);
      score.set(e.score, start * k1);
      done += e.src.length / k1;
      options.onProgress?.(done, n);
    },
    ...(options.onWorkers ? { onWorkers: options.onWorkers } : {}),
  });
  return { src, dst, score };
}
