/**
 * facecluster at scale: `npm run bench:scale [-- --n 200000 --dim 512 --json]`. The whole
 * pipeline — exact kNN (K = 80), GCN link scores at [80, 5] u 5 on every face (seed-architecture
 * weights, freshly initialised: the cost does not depend on their values) and the propagation —
 * on synthetic face-like features, with the time of each stage and the process's peak resident
 * memory (worker threads included).
 */
import { parseArgs } from 'node:util';
import { propagate, PROPAGATION_DEFAULTS } from '../src/cluster/index.js';
import { OnnxEngine } from '../src/engine/onnx.js';
import { buildKnn } from '../src/knn/index.js';
import { initParams, seedArchitecture } from '../src/model/params.js';
import { parallelScoreLinks } from '../src/model/score-parallel.js';
import { syntheticFaces } from '../src/synthetic/index.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '200000' }, dim: { type: 'string', default: '512' }, json: { type: 'boolean' } } });
const n = Number(values.n), dim = Number(values.dim);
const out: Record<string, number> = { n, dim };
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
const log = (s: string) => { if (!values.json) console.log(s); };

let t = performance.now();
const lap = (key: string) => {
  const now = performance.now();
  out[key] = Math.round(now - t) / 1000;
  t = now;
  log(`${key.padEnd(24)} ${out[key]} s   (peak RSS so far ${rss()} MB)`);
};
const { features } = syntheticFaces({ n, dim, seed: 21 });
lap('synthesis_s');
const engine = new OnnxEngine();
const knn = await buildKnn(features, { k: 80, normalized: true, engine });
await engine.dispose();
lap('knn_s');
const ips = { k1: 80, k2: 5, u: 5 };
const edges = await parallelScoreLinks(initParams(seedArchitecture(dim), 1), features, knn, { ips });
lap('gcn_s');
const labels = propagate(edges, n, PROPAGATION_DEFAULTS);
lap('propagation_s');
out.clusters = new Set(labels).size;
out.peak_rss_mb = rss();
log(`peak resident memory: ${out.peak_rss_mb} MB`);
if (values.json) console.log(JSON.stringify(out));
