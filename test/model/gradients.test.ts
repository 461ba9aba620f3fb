import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsBackend } from '../../src/engine/backend.js';
import { OnnxEngine } from '../../src/engine/onnx.js';
import { IpsBuilder } from '../../src/ips/index.js';
import { makeBatch } from '../../src/model/batch.js';
import { crossEntropy, gcnBackward, gcnForward } from '../../src/model/gcn.js';
import { initParams, isTrainable, type Params } from '../../src/model/params.js';
import { Sgd } from '../../src/train/sgd.js';
import type { KnnGraph } from '../../src/types.js';
import { randomMatrix, rng } from '../helpers.js';

/** A small problem: 12 faces of width 5, a random valid kNN graph, two subgraphs per batch. */
function problem() {
  const n = 12, d = 5, k = 4;
  const r = rng(5);
  const indices = new Int32Array(n * (k + 1));
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).sort(() => r() - 0.5);
    indices.set([i, ...others.slice(0, k)], i * (k + 1));
  }
  const knn: KnnGraph = { n, k, indices };
  const features = { n, dim: d, data: randomMatrix(n, d, 6) };
  const builder = new IpsBuilder(knn, { k1: 3, k2: 2, u: 2 });
  const batch = makeBatch([builder.build(0), builder.build(7)], features);
  const targets = Uint8Array.from({ length: batch.hop1Rows.length }, (_, i) => (i % 3 === 0 ? 1 : 0));
  return { batch, targets };
}

async function loss(params: Params, p: ReturnType<typeof problem>): Promise<number> {
  const out = await gcnForward(params, p.batch, new JsBackend(), 'train');
  return crossEntropy(out.logits, p.targets).loss;
}

test('backward matches central finite differences for every parameter', async () => {
  const p = problem();
  const params = initParams({ dim: 5, widths: [7, 6, 6, 5], hidden: 4 }, 3);
  // biases away from zero so that few ReLUs sit at their kink
  for (const [name, t] of params) if (name.endsWith('bias')) t.data.forEach((_, i) => { t.data[i] = 0.1 * Math.sin(i + name.length); });
  const fwd = await gcnForward(params, p.batch, new JsBackend(), 'train');
  const { grad } = crossEntropy(fwd.logits, p.targets);
  const grads = await gcnBackward(params, p.batch, fwd, grad, new JsBackend());
  const eps = 1e-2;
  let checked = 0;
  for (const [name, t] of params) {
    if (!isTrainable(name)) continue;
    const g = grads.get(name)!;
    assert.equal(g.length, t.data.length, name);
    for (let i = 0; i < t.data.length; i += Math.max(1, Math.floor(t.data.length / 12))) {
      const w = t.data[i]!;
      t.data[i] = w + eps;
      const up = await loss(params, p);
      t.data[i] = w - eps;
      const down = await loss(params, p);
      t.data[i] = w;
      const fd = (up - down) / (2 * eps);
      assert.ok(Math.abs(fd - g[i]!) <= 2e-4 + 2e-2 * Math.abs(fd), `${name}[${i}]: backward ${g[i]} vs finite difference ${fd}`);
      checked++;
    }
  }
  assert.ok(checked >= 100, String(checked));
});

test('the onnxruntime backend gives the same gradients as the TypeScript one', async () => {
  const p = problem();
  const params = initParams({ dim: 5, widths: [16, 16, 8, 8], hidden: 8 }, 4);
  const engine = new OnnxEngine({ threads: 1 });
  try {
    const fa = await gcnForward(params, p.batch, new JsBackend(), 'train');
    const fb = await gcnForward(params, p.batch, engine, 'train');
    const ga = await gcnBackward(params, p.batch, fa, crossEntropy(fa.logits, p.targets).grad, new JsBackend());
    const gb = await gcnBackward(params, p.batch, fb, crossEntropy(fb.logits, p.targets).grad, engine);
    for (const [name, g] of ga) g.forEach((x, i) => { assert.ok(Math.abs(x - gb.get(name)![i]!) < 1e-5, name); });
  } finally {
    await engine.dispose();
  }
});

test('SGD follows the closed-form PyTorch update', () => {
  const params: Params = new Map([['conv1.weight', { shape: [2], data: Float32Array.of(1, -2) }]]);
  const sgd = new Sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
  sgd.step(params, new Map([['conv1.weight', Float32Array.of(0.5, 0.5)]]));
  // v = g + λw = (0.51, 0.48); w = w − 0.1·v
  assert.ok(Math.abs(params.get('conv1.weight')!.data[0]! - (1 - 0.1 * 0.51)) < 1e-7);
  assert.ok(Math.abs(params.get('conv1.weight')!.data[1]! - (-2 - 0.1 * 0.48)) < 1e-7);
  const w1 = Array.from(params.get('conv1.weight')!.data);
  sgd.step(params, new Map([['conv1.weight', Float32Array.of(0, 1)]]));
  // v = 0.9·v + (g + λw)
  const v0 = 0.9 * 0.51 + 0.01 * w1[0]!;
  const v1 = 0.9 * 0.48 + 1 + 0.01 * w1[1]!;
  assert.ok(Math.abs(params.get('conv1.weight')!.data[0]! - (w1[0]! - 0.1 * v0)) < 1e-6);
  assert.ok(Math.abs(params.get('conv1.weight')!.data[1]! - (w1[1]! - 0.1 * v1)) < 1e-6);
});
