/**
 * The gcn method's linkages and cuts, recomputed from the scored links it returns with the
 * clustering primitives: Infomap over the links at GCN_MIN_SCORES.infomap (0.7) by default,
 * the propagation at its own 0.5, and minScore moving either cut.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { edgesAbove, infomap, propagate } from '../../src/cluster/index.js';
import { readFeatures } from '../../src/io/files.node.js';
import { clusterFaces, DEFAULT_LINKAGE, type ClusterOptions, GCN_MIN_SCORES, GCN_PROPAGATION_DEFAULTS } from '../../src/pipeline/cluster.js';
import { ROOT } from '../helpers.js';

test('gcn: Infomap over the links at 0.7 by default, the propagation at 0.5, minScore moves either cut', async () => {
  const all = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const n = 400;
  const f = { n, dim: all.dim, data: all.data.slice(0, n * all.dim) };
  assert.deepEqual({ ...GCN_MIN_SCORES }, { propagation: 0.5, infomap: 0.7, rescore: 0.95 });
  assert.equal(DEFAULT_LINKAGE, 'propagation');
  const byInfomap = await clusterFaces(f, { method: 'gcn', linkage: 'infomap' });
  const edges = byInfomap.edges!;
  const overInfomap = (cut: number) => { const e = edgesAbove(edges, cut); return infomap(n, e.src, e.dst, e.score, { trials: 3 }).labels; };
  assert.deepEqual(byInfomap.labels, overInfomap(0.7));
  assert.notDeepEqual(overInfomap(0.7), overInfomap(0.5));
  assert.deepEqual((await clusterFaces(f, { method: 'gcn', linkage: 'infomap', minScore: 0.5, knn: byInfomap.knn })).labels, overInfomap(0.5));
  // the default linkage is the propagation, over links at 0.5 unless minScore says otherwise
  const byDefault = await clusterFaces(f, { method: 'gcn', knn: byInfomap.knn });
  assert.deepEqual(byDefault.edges!.score, edges.score);
  assert.deepEqual(byDefault.labels, propagate(edges, n, GCN_PROPAGATION_DEFAULTS));
  const at8 = await clusterFaces(f, { method: 'gcn', minScore: 0.8, knn: byInfomap.knn });
  assert.deepEqual(at8.labels, propagate(edges, n, { ...GCN_PROPAGATION_DEFAULTS, minScore: 0.8 }));
  assert.notDeepEqual(at8.labels, byDefault.labels);
  // 0.1's propagation.minScore is read as minScore, with a notice
  const notices: string[] = [];
  const old = { method: 'gcn', propagation: { minScore: 0.8 }, knn: byInfomap.knn, onNotice: (m: string) => notices.push(m) };
  assert.deepEqual((await clusterFaces(f, old as unknown as ClusterOptions)).labels, at8.labels);
  assert.deepEqual(notices, ["the gcn method's propagation.minScore is now called minScore"]);
});
