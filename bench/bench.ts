/**
 * facecluster's benchmark: `npm run bench [-- --json] [--skip-100k]`.
 * Prints each figure as it is measured (or one JSON object with --json).
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { knnEdges, thresholdComponents } from '../src/cluster/index.js';
import { OnnxEngine } from '../src/engine/onnx.js';
import { readFeatures, readLabels } from '../src/io/index.js';
import { buildKnn, l2Normalize } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { syntheticFaces } from '../src/synthetic/index.js';
import { BASELINE_DEFAULTS } from "../src/pipeline/index.js";
import { BUNDLED_DATA } from '../src/cli/commands/demo.js';

const { values: flags } = parseArgs({ options: { json: { type: 'boolean' }, 'skip-100k': { type: 'boolean' } } });
const results: Record<string, number | string> = {};

function report(key: string, value: number, label: string): void {
  results[key] = Math.round(value * 1000) / 1000;
  if (!flags.json) console.log(`${label.padEnd(52)} ${results[key]}`);
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

const engine = new OnnxEngine();
if (!flags.json) console.log(`facecluster bench — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, node ${process.version}\n`);

// plain large matrix product, the reference rate for the engine's other work
{
  const m = 2048, k = 512, n = 4096;
  const a = syntheticFaces({ n: m, dim: k, seed: 11 }).features.data;
  const b = syntheticFaces({ n: k, dim: n, seed: 12 }).features.data;
  await engine.matmul(a, b, m, k, n);
  const reps = 5;
  const s = await seconds(async () => { for (let i = 0; i < reps; i++) await engine.matmul(a, b, m, k, n); });
  report('gemm_gflops', (2 * m * k * n * reps) / s / 1e9, 'plain matmul 2048×512·512×4096 (GFLOP/s)');
}

for (const [key, n] of [['knn_s_20k', 20000], ['knn_s_100k', 100000]] as const) {
  if (n > 20000 && flags['skip-100k']) continue;
  const { features } = syntheticFaces({ n, dim: 512, seed: 3 });
  report(key, await seconds(() => buildKnn(features, { k: 200, normalized: true, engine })), `kNN ${n / 1000}k×512, K = 200 (s)`);
}

{
  const t = performance.now();
  const f = l2Normalize(readFeatures(`${BUNDLED_DATA}lfw-test.feats.npy`));
  const labels = readLabels(`${BUNDLED_DATA}lfw-test.labels.npy`);
  const knn = await buildKnn(f, { k: 80, normalized: true, engine });
  const pred = thresholdComponents(knnEdges(knn), f.n, BASELINE_DEFAULTS.threshold);
  const s = (performance.now() - t) / 1000;
  report('knn_threshold_lfw_test_s', s, 'lfw-test: read + kNN (K = 80) + threshold (s)');
  report('knn_threshold_lfw_test_bcubed_f', evaluate(labels, pred).bcubed.f, 'lfw-test: threshold B-Cubed F');
}

report('peak_rss_mb', process.resourceUsage().maxRSS / 1024, 'peak resident memory (MB)');
await engine.dispose();
if (flags.json) console.log(JSON.stringify(results));
