/**
 * A worker thread of parallelScoreLinks: holds its own single-threaded onnxruntime engine and
 * scores the chunks of pivots it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxEngine } from '../engine/onnx.js';
import type { IpsOptions } from '../ips/index.js';
import type { Features, KnnGraph } from '../types.js';
import type { FirstLayerTable } from './first-layer.js';
import type { Params } from './params.js';
import { scoreLinks } from './score.js';

interface Init { params: Params; features: Features; knn: KnnGraph; ips: IpsOptions; batchRows: number; firstLayer: FirstLayerTable | false }

const init = workerData as Init;
const engine = new OnnxEngine({ threads: 1 });
const port = parentPort!;
port.on('message', async (msg: { pivots: Int32Array } | null) => {
  if (msg === null) {
    await engine.dispose();
    port.close();
    return;
  }
  const edges = await scoreLinks(init.params, init.features, init.knn, { ips: init.ips, backend: engine, pivots: msg.pivots, batchRows: init.batchRows,
    firstLayer: init.firstLayer });
  port.postMessage(edges, [edges.src.buffer as ArrayBuffer, edges.dst.buffer as ArrayBuffer, edges.score.buffer as ArrayBuffer]);
});
