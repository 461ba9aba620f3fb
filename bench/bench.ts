/**
 * facecluster's benchmark: `npm run bench [-- --json] [--skip-100k]`.
 * Prints each figure as it is measured, or one JSON object with --json.
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { BUNDLED_DATA } from '../src/assets.node.js';
import { propagate } from '../src/cluster/index.js';
import { seededRandom } from '../src/random.js';
import type { ComputeBackend } from '../src/engine/backend.js';
import { OnnxEngine } from '../src/engine/onnx.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { IpsBuilder, type IpsOptions } from '../src/ips/index.js';
import { buildKnn } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { initParams, seedArchitecture } from '../src/model/params.js';
import { scoreLinks } from '../src/model/score.js';
import { parallelScoreLinks } from '../src/model/score-parallel.node.js';
import { clusterFaces } from '../src/pipeline/cluster.js';
import { syntheticFaces } from '../src/synthetic/index.js';
import { TRAIN_DEFAULTS, trainGcn } from '../src/train/index.js';

const { values: flags } = parseArgs({ options: { json: { type: 'boolean' }, 'skip-100k': { type: 'boolean' } } });
const results: Record<string, number> = {};

function report(key: string, value: number, label: string): void {
  results[key] = Math.round(value * 1000) / 1000;
  if (!flags.json) console.log(`${label.padEnd(60)} ${results[key]}`);
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

/** Wraps a backend to count the FLOPs and time of its products. */
class CountingBackend implements ComputeBackend {
  flops = 0;
  seconds = 0;
  constructor(private readonly inner: ComputeBackend) {}
  private async timed<T>(flops: number, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    const out = await fn();
    this.seconds += (performance.now() - t) / 1000;
    this.flops += flops;
    return out;
  }
  gemm(...a: Parameters<ComputeBackend['gemm']>) {
    return this.timed(2 * a[2] * a[3] * a[4], () => this.inner.gemm(...a));
  }
  graphConv(...a: Parameters<ComputeBackend['graphConv']>) {
    return this.timed(2 * a[3] * 2 * a[4] * a[5], () => this.inner.graphConv(...a));
  }
  graphConvBackward(...a: Parameters<ComputeBackend['graphConvBackward']>) {
    return this.timed(2 * a[4] * 2 * a[5] * a[6] * (a[7] ? 2 : 1), () => this.inner.graphConvBackward(...a));
  }
  classifier(...a: Parameters<ComputeBackend['classifier']>) {
    return this.timed(2 * a[6] * a[8] * (a[7] + 2), () => this.inner.classifier(...a));
  }
}

const engine = new OnnxEngine();
if (!flags.json) console.log(`facecluster bench — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, node ${process.version}\n`);

// a plain large product: the reference rate for the GCN's products
let plainRate: number;
{
  const m = 4096, k = 1024, n = 512;
  const a = syntheticFaces({ n: m, dim: k, seed: 11 }).features.data;
  const b = syntheticFaces({ n: k, dim: n, seed: 12 }).features.data;
  await engine.matmul(a, b, m, k, n);
  const reps = 5;
  const s = await seconds(async () => { for (let i = 0; i < reps; i++) await engine.matmul(a, b, m, k, n); });
  plainRate = (2 * m * k * n * reps) / s / 1e9;
  report('gemm_gflops', plainRate, 'plain matmul 4096×1024·1024×512 (GFLOP/s)');
  // the same on onnxruntime-web's WebAssembly kernels: what runs where onnxruntime-node is not installed
  const wasm = new OnnxEngine({ runtime: 'wasm' });
  await wasm.matmul(a, b, m, k, n);
  const sw = await seconds(async () => { for (let i = 0; i < reps; i++) await wasm.matmul(a, b, m, k, n); });
  await wasm.dispose();
  report('gemm_gflops_wasm', (2 * m * k * n * reps) / sw / 1e9, 'the same product on the WebAssembly kernels (GFLOP/s)');
}

// the GCN on 512-d synthetic faces with freshly initialised seed-architecture weights
{
  const { features, labels } = syntheticFaces({ n: 6000, dim: 512, seed: 5 });
  const knn = await buildKnn(features, { k: 200, normalized: true, engine });
  const params = initParams(seedArchitecture(512), 1);
  const counting = new CountingBackend(engine);
  const infer = async (ips: IpsOptions, count: number) => {
    // the first `count` faces as pivots: their subgraphs still reach into all 6,000
    const pivots = Int32Array.from({ length: count }, (_, i) => i);
    const builder = new IpsBuilder(knn, ips);
    let nodes = 0;
    for (let i = 0; i < 50; i++) nodes += builder.build(i).nodes.length;
    // the GEMM fraction is measured on one engine; the rate on the default path, one worker per core
    await scoreLinks(params, features, knn, { ips, backend: counting, pivots: pivots.subarray(0, Math.min(count, 200)), firstLayer: true });
    // as on a whole data set, the first layer comes from a table over all 6,000 faces (its time included)
    const s = await seconds(() => parallelScoreLinks(params, features, knn, { ips, pivots, firstLayer: true }));
    return { rate: count / s, meanNodes: nodes / 50 };
  };
  const a = await infer({ k1: 200, k2: 10, u: 10 }, 400);
  report('infer_ips_per_s_200_10', a.rate, `inference [200, 10] u 10, 512-d (subgraphs/s; ${a.meanNodes.toFixed(0)} nodes)`);
  const b = await infer({ k1: 80, k2: 5, u: 5 }, 1500);
  report('infer_ips_per_s_80_5', b.rate, `inference [80, 5] u 5, 512-d (subgraphs/s; ${b.meanNodes.toFixed(0)} nodes)`);
  // 8 timed batches after one warm-up batch (sessions built, code compiled)
  const batches = 9;
  const settings = { ...TRAIN_DEFAULTS, epochs: 1 };
  const stop = new AbortController();
  let done = 0, t = 0;
  await trainGcn({ features, knn, labels }, {
    settings, backend: counting, signal: stop.signal,
    onBatch: () => {
      if (++done === 1) t = performance.now();
      if (done === batches) stop.abort();
    },
  }).catch((e) => { if (!stop.signal.aborted) throw e; });
  report('train_ips_per_s_200_10', ((batches - 1) * settings.batchSize) / ((performance.now() - t) / 1000), 'training [200, 10] u 10, 512-d (subgraphs/s)');
  report('gemm_fraction', counting.flops / counting.seconds / 1e9 / plainRate, "GCN products' GFLOP/s as a fraction of the plain rate");
}

for (const [key, n] of [['knn_s_20k', 20000], ['knn_s_100k', 100000]] as const) {
  if (n > 20000 && flags['skip-100k']) continue;
  const { features } = syntheticFaces({ n, dim: 512, seed: 3 });
  report(key, await seconds(() => buildKnn(features, { k: 200, normalized: true, engine })), `kNN ${n / 1000}k×512, K = 200 (s)`);
}

{
  // 10 million scored edges over a million faces: pooling, then the propagation
  const n = 1_000_000, m = 10_000_000;
  const random = seededRandom(9);
  const src = new Int32Array(m), dst = new Int32Array(m), score = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    src[e] = Math.floor(e / 10);
    dst[e] = Math.min(n - 1, src[e]! + 1 + Math.floor(random() * 50));
    score[e] = random();
  }
  report('propagation_s_10m_edges', await seconds(async () => propagate({ src, dst, score }, n)), 'propagation, 10M edges over 1M faces (s)');
}

{
  const features = readFeatures(`${BUNDLED_DATA}lfw-test.feats.npy`);
  const labels = readLabels(`${BUNDLED_DATA}lfw-test.labels.npy`);
  let pred: Int32Array = new Int32Array(0);
  const s = await seconds(async () => { pred = (await clusterFaces(features, { method: 'gcn' })).labels; });
  report('pipeline_lfw_test_s', s, 'lfw-test: kNN + GCN [80, 5] + propagation (s)');
  report('pipeline_lfw_test_bcubed_f', evaluate(labels, pred).bcubed.f, 'lfw-test: GCN B-Cubed F');
}

report('peak_rss_mb', process.resourceUsage().maxRSS / 1024, 'peak resident memory (MB)');
await engine.dispose();
if (flags.json) console.log(JSON.stringify(results));

