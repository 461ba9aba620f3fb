import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures } from '../../src/io/files.node.js';
import { buildKnn, l2Normalize } from '../../src/knn/index.js';
import { loadModel } from '../../src/model/files.node.js';
import { parallelScoreLinks } from '../../src/model/score-parallel.node.js';
import { DEFAULT_MODEL_DIR } from '../../src/pipeline/defaults.node.js';
import { ROOT } from '../helpers.js';

test('a scoring worker that stops before its work is done fails the call, naming its chunk (no zero scores passed on)', async () => {
  const f = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const features = l2Normalize({ n: 600, dim: f.dim, data: f.data.slice(0, 600 * f.dim) });
  const knn = await buildKnn(features, { k: 80, normalized: true });
  const model = loadModel(DEFAULT_MODEL_DIR);
  const ips = { k1: 80, k2: 5, u: 5 };
  // stopped as soon as it has been given its first chunk
  await assert.rejects(
    parallelScoreLinks(model.params, features, knn, { ips, workers: 2, chunk: 16, onWorkers: (workers) => { setTimeout(() => void workers[1]!.terminate(),
      50); } }),
    /GCN worker 1 stopped while scoring pivots \d+\.\.\d+: exit code \d+/,
  );
  // undisturbed, every link gets a score from the model
  const edges = await parallelScoreLinks(model.params, features, knn, { ips, workers: 2, chunk: 16 });
  assert.equal(edges.score.length, 600 * 80);
  assert.ok(edges.src.every((s, e) => s === Math.floor(e / 80)), 'every pivot\'s row filled');
});
