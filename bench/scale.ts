/**
 * facecluster at scale: `npm run bench:scale [-- --n 1000000 --dim 512 --knn-method hnsw --stages knn,recall,gcn,cluster --knn-out K.npy | --knn-in K.npy --json]`.
 * The whole pipeline on synthetic face-like features: the kNN graph (K = 80; HNSW by default),
 * its recall@80 against exact search on 1,000 sampled faces, GCN link scores at [80, 5] u 5 on
 * every face (seed-architecture weights, freshly initialised: the cost does not depend on their
 * values), and the default clustering (Infomap over the automatically thresholded kNN graph),
 * with the time of each stage and the process's peak resident memory (worker threads included).
 */
import { parseArgs } from 'node:util';
import { readKnn, writeKnn } from '../src/io/index.js';
import { buildKnn, knnRecall, type KnnMethod } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { initParams, seedArchitecture } from '../src/model/params.js';
import { parallelScoreLinks } from '../src/model/score-parallel.node.js';
import { clusterFaces } from '../src/pipeline/cluster.js';
import { syntheticFaces } from '../src/synthetic/index.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '200000' }, dim: { type: 'string', default: '512' },
    'knn-method': { type: 'string', default: 'hnsw' }, stages: { type: 'string', default: 'knn,recall,gcn,cluster' },
    'knn-in': { type: 'string' }, 'knn-out': { type: 'string' },
    json: { type: 'boolean' },
  },
});
const n = Number(values.n), dim = Number(values.dim);
const stages = new Set(values.stages!.split(','));
const out: Record<string, number | string> = { n, dim, knn_method: values['knn-method']! };
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
const log = (s: string) => { if (!values.json) console.log(s); };

let t = performance.now();
const lap = (key: string) => {
  const now = performance.now();
  out[key] = Math.round(now - t) / 1000;
  t = now;
  log(`${key.padEnd(24)} ${out[key]} s   (peak RSS so far ${rss()} MB)`);
};
const { features, labels } = syntheticFaces({ n, dim, seed: 21 });
lap('synthesis_s');
// a graph saved by an earlier run (--knn-out) lets the later stages be measured on their own
const knn = values['knn-in'] ? readKnn(values['knn-in']) : await buildKnn(features, { k: 80, normalized: true, method: values['knn-method'] as KnnMethod });
lap(values['knn-in'] ? 'knn_read_s' : 'knn_s');
if (values['knn-out']) writeKnn(values['knn-out'], knn);
if (stages.has('recall')) {
  out.recall_at_80 = (await knnRecall(features, knn, { queries: 1000, normalized: true })).recall;
  lap('recall_check_s');
  log(`recall@80 on 1,000 sampled faces: ${(out.recall_at_80 as number).toFixed(4)}`);
}
if (stages.has('gcn')) {
  await parallelScoreLinks(initParams(seedArchitecture(dim), 1), features, knn, { ips: { k1: 80, k2: 5, u: 5 } });
  lap('gcn_s');
}
if (stages.has('cluster')) {
  const result = await clusterFaces(features, { knn, normalized: true });
  lap('cluster_s');
  out.clusters = new Set(result.labels).size;
  const ev = evaluate(labels, result.labels);
  out.bcubed_f = ev.bcubed.f;
  out.pairwise_f = ev.pairwise.f;
  log(`${out.clusters} clusters; against the synthetic identities B-Cubed F ${ev.bcubed.f.toFixed(4)}, pairwise F ${ev.pairwise.f.toFixed(4)}`);
}
out.peak_rss_mb = rss();
log(`peak resident memory: ${out.peak_rss_mb} MB`);
if (values.json) console.log(JSON.stringify(out));
