import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { JsBackend, type ComputeBackend } from '../../src/engine/backend.js';
import { OnnxEngine } from '../../src/engine/onnx.js';
import { readFeatures, readKnn } from '../../src/io/files.node.js';
import { npyToFloat32, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import { IpsBuilder } from '../../src/ips/index.js';
import { makeBatch } from '../../src/model/batch.js';
import { precomputeFirstLayer } from '../../src/model/first-layer.js';
import { gcnForward, linkProbabilities } from '../../src/model/gcn.js';
import { checkParams, seedArchitecture } from '../../src/model/params.js';
import type { KnnGraph } from '../../src/types.js';
import { SHARED } from '../helpers.js';
import { GOLDEN_DIR, goldenParams } from './golden.js';

const DIR = GOLDEN_DIR;

const engine = new OnnxEngine();
after(() => engine.dispose());

for (const [name, backend] of [['onnxruntime', engine], ['js', new JsBackend()]] as [string, ComputeBackend][]) {
  test(`every layer and the link scores equal the reference to 1e-4 (${name} backend)`, async () => {
    const params = goldenParams();
    assert.deepEqual(checkParams(params), seedArchitecture(512));
    const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
    const features = readFeatures(join(SHARED, 'golden/synth-test.feats.npy'));
    const full = readKnn(join(SHARED, 'golden/synth-test.knn.npy'));
    const knn: KnnGraph = { n: full.n, k: 20, indices: Int32Array.from({ length: full.n * 21 }, (_, e) => full.indices[Math.floor(e / 21) * 81 + (e % 21)]!) };
    const builder = new IpsBuilder(knn, { k1: 20, k2: 5, u: 5 });
    const ips = name === 'js' ? manifest.ips.slice(0, 2) : manifest.ips;
    for (const entry of ips) {
      const dir = join(DIR, entry.dir);
      const refNodes = npyToInt32(readNpyView(join(dir, 'nodes.npy')), 'nodes', true);
      const refPos = new Map([...refNodes.subarray(0, entry.num_nodes)].map((v, i) => [v, i]));
      const g = builder.build(entry.center);
      const out = await gcnForward(params, makeBatch([g], features), backend, 'eval', { keepStages: true });
      for (const stage of ['bn0', 'conv1', 'conv2', 'conv3', 'conv4']) {
        const ref = npyToFloat32(readNpyView(join(dir, `${stage}.npy`)));
        const got = out.stages![stage]!;
        const w = got.length / g.nodes.length;
        let worst = 0;
        for (let a = 0; a < g.nodes.length; a++) {
          const r = refPos.get(g.nodes[a]!)!;
          for (let j = 0; j < w; j++) worst = Math.max(worst, Math.abs(got[a * w + j]! - ref[r * w + j]!));
        }
        assert.ok(worst < 1e-4, `${entry.dir} ${stage}: max difference ${worst}`);
      }
      const refLogits = npyToFloat32(readNpyView(join(dir, 'logits.npy')));
      const refProb = npyToFloat32(readNpyView(join(dir, 'prob.npy')));
      const refHop1 = npyToInt32(readNpyView(join(dir, 'one_hop_idcs.npy')));
      const byNode = new Map([...refHop1].map((pos, i) => [refNodes[pos]!, i]));
      const prob = linkProbabilities(out.logits);
      for (let h = 0; h < g.hop1; h++) {
        const i = byNode.get(g.nodes[1 + h]!)!;
        for (let c = 0; c < 2; c++) assert.ok(Math.abs(out.logits[2 * h + c]! - refLogits[2 * i + c]!) < 1e-4, `${entry.dir} logit`);
        assert.ok(Math.abs(prob[h]! - refProb[2 * i + 1]!) < 1e-4);
      }
    }
  });
}

test('inference on needed rows only equals the full forward pass, for a batch of subgraphs', async () => {
  const params = goldenParams();
  const features = readFeatures(join(SHARED, 'golden/synth-test.feats.npy'));
  const full = readKnn(join(SHARED, 'golden/synth-test.knn.npy'));
  const builder = new IpsBuilder(full, { k1: 20, k2: 5, u: 5 });
  const batch = makeBatch(Array.from({ length: 12 }, (_, i) => builder.build(i * 97)), features);
  const trimmed = await gcnForward(params, batch, engine, 'eval');
  const whole = await gcnForward(params, batch, engine, 'eval', { keepStages: true });
  assert.equal(trimmed.logits.length, 12 * 20 * 2);
  trimmed.logits.forEach((x, i) => { assert.ok(Math.abs(x - whole.logits[i]!) < 1e-4, `logit ${i}`); });
});

for (const [name, backend] of [['onnxruntime', engine], ['js', new JsBackend()]] as [string, ComputeBackend][]) {
  test(`a precomputed first layer gives the full forward pass's logits to 1e-4, without input features (${name} backend)`, async () => {
    const params = goldenParams();
    const features = readFeatures(join(SHARED, 'golden/synth-test.feats.npy'));
    const builder = new IpsBuilder(readKnn(join(SHARED, 'golden/synth-test.knn.npy')), { k1: 20, k2: 5, u: 5 });
    const group = Array.from({ length: name === 'js' ? 3 : 12 }, (_, i) => builder.build(i * 89 + 5));
    const table = await precomputeFirstLayer(params, features, backend);
    assert.equal(table.table.length, features.n * 2 * 512);
    const batch = makeBatch(group);
    assert.equal(batch.x, undefined);
    const fast = await gcnForward(params, batch, backend, 'eval', { firstLayer: table });
    const whole = await gcnForward(params, makeBatch(group, features), engine, 'eval', { keepStages: true });
    assert.equal(fast.logits.length, whole.logits.length);
    fast.logits.forEach((x, i) => { assert.ok(Math.abs(x - whole.logits[i]!) < 1e-4, `logit ${i}: ${x} vs ${whole.logits[i]}`); });
  });
}
