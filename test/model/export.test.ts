import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { OnnxEngine } from '../../src/engine/onnx.js';
import { readFeatures } from '../../src/io/files.node.js';
import { npyToFloat32, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import { IpsBuilder, subgraphFeatures } from '../../src/ips/index.js';
import { buildKnn, l2Normalize } from '../../src/knn/index.js';
import { exportOnnx } from '../../src/model/export-onnx.js';
import { loadModel } from '../../src/model/files.node.js';
import { scoreLinks } from '../../src/model/score.js';
import { DEFAULT_MODEL_DIR } from '../../src/pipeline/defaults.node.js';
import { ROOT } from '../helpers.js';
import { GOLDEN_DIR, goldenParams } from './golden.js';

async function runExported(session: ort.InferenceSession, features: Float32Array, n: number, dim: number, adjacency: Float32Array,
  hop1: ArrayLike<number>): Promise<Float32Array> {
  const out = await session.run({
    features: new ort.Tensor('float32', features, [n, dim]),
    adjacency: new ort.Tensor('float32', adjacency, [n, n]),
    hop1: new ort.Tensor('int64', BigInt64Array.from(Array.from(hop1, BigInt)), [hop1.length]),
  });
  return out.scores!.data as Float32Array;
}

test('the exported ONNX model gives the reference scores to 1e-4 on its padded subgraphs', async () => {
  const session = await ort.InferenceSession.create(exportOnnx(goldenParams()));
  for (let i = 0; i < 8; i++) {
    const dir = join(GOLDEN_DIR, `ips_${i}`);
    const feat = readNpyView(join(dir, 'feat.npy'));
    const n = feat.shape[0]!;
    const scores = await runExported(session, npyToFloat32(feat), n, 512, npyToFloat32(readNpyView(join(dir, 'A.npy'))), npyToInt32(readNpyView(join(dir, 'one_hop_idcs.npy'))));
    const prob = npyToFloat32(readNpyView(join(dir, 'prob.npy')));
    assert.equal(scores.length, 20);
    scores.forEach((s, j) => { assert.ok(Math.abs(s - prob[j * 2 + 1]!) < 1e-4, `ips ${i}, link ${j}: ${s} vs ${prob[j * 2 + 1]}`); });
  }
  await session.release();
});

test("the exported shipped model gives facecluster's own link scores to 1e-4", async () => {
  const model = loadModel(DEFAULT_MODEL_DIR);
  const session = await ort.InferenceSession.create(exportOnnx(model.params));
  const all = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const features = l2Normalize({ n: 1000, dim: all.dim, data: all.data.slice(0, 1000 * all.dim) });
  const engine = new OnnxEngine();
  const knn = await buildKnn(features, { k: 80, normalized: true, engine });
  const pivots = Int32Array.of(0, 17, 444, 999);
  const ours = await scoreLinks(model.params, features, knn, { ips: model.config.ips, backend: engine, pivots });
  await engine.dispose();
  const builder = new IpsBuilder(knn, model.config.ips);
  for (const [p, pivot] of pivots.entries()) {
    const g = builder.build(pivot);
    const n = g.nodes.length;
    const dense = new Float32Array(n * n);
    for (let r = 0; r < n; r++) for (let e = g.rowPtr[r]!; e < g.rowPtr[r + 1]!; e++) dense[r * n + g.cols[e]!] = g.vals[e]!;
    const hop1 = Array.from({ length: g.hop1 }, (_, j) => 1 + j);
    const scores = await runExported(session, subgraphFeatures(g, features), n, features.dim, dense, hop1);
    scores.forEach((s, j) => {
      const e = p * g.hop1 + j;
      assert.equal(ours.dst[e], g.nodes[1 + j]);
      assert.ok(Math.abs(s - ours.score[e]!) < 1e-4, `pivot ${pivot}, link ${j}: ${s} vs ${ours.score[e]}`);
    });
  }
  await session.release();
});
