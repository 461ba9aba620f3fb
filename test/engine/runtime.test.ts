import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { JsBackend } from '../../src/engine/backend.js';
import { OnnxEngine } from '../../src/engine/onnx.js';
import { readFeatures } from '../../src/io/files.node.js';
import { buildKnn, l2Normalize } from '../../src/knn/index.js';
import { loadModel } from '../../src/model/files.node.js';
import { scoreLinks } from '../../src/model/score.js';
import { DEFAULT_MODEL_DIR } from '../../src/pipeline/defaults.node.js';
import { randomMatrix, ROOT } from '../helpers.js';

const largest = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

test('the WebAssembly engine (onnxruntime-web, used where onnxruntime-node is not installed) computes what the plain TypeScript one does', async () => {
  const wasm = new OnnxEngine({ runtime: 'wasm', threads: 1 }), js = new JsBackend();
  try {
    assert.equal(await wasm.kind(), 'wasm');
    const m = 37, k = 19, n = 23, h = 11;
    for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
      const a = randomMatrix(m, k, 1), b = randomMatrix(k, n, 2);
      assert.ok(largest(await wasm.gemm(a, b, m, k, n, ta, tb), await js.gemm(a, b, m, k, n, ta, tb)) < 1e-5, `gemm ${ta} ${tb}`);
    }
    const z = randomMatrix(m, 2 * k, 3), w = randomMatrix(2 * k, n, 4), bias = randomMatrix(1, n, 5);
    const want = await js.graphConv(z, w, bias, m, k, n);
    assert.ok(largest(await wasm.graphConv(z, w, bias, m, k, n), want) < 1e-5);
    // written into a given array, as the GCN does between layers
    const into = new Float32Array(m * n).fill(NaN);
    await wasm.graphConv(z, w, bias, m, k, n, into);
    assert.ok(largest(into, want) < 1e-5, 'graphConv into a given array');
    const args = [randomMatrix(m, k, 6), randomMatrix(h, k, 7), randomMatrix(1, h, 8), randomMatrix(1, h, 9), randomMatrix(2, h, 10), randomMatrix(1, 2,
      11)] as const;
    assert.ok(largest((await wasm.classifier(...args, m, k, h, false)).logits, (await js.classifier(...args, m, k, h, false)).logits) < 1e-5);
  } finally {
    await wasm.dispose();
  }
});

test('GCN link scores on the WebAssembly engine match the native engine\'s within 1e-5 (lfw-test, 200 pivots)', async () => {
  const model = loadModel(DEFAULT_MODEL_DIR);
  const unit = l2Normalize(readFeatures(join(ROOT, 'data/lfw-test.feats.npy')));
  const native = new OnnxEngine({ runtime: 'native' }), wasm = new OnnxEngine({ runtime: 'wasm' });
  try {
    assert.equal(await native.kind(), 'native');
    const knn = await buildKnn(unit, { k: 80, normalized: true, engine: native });
    const wasmKnn = await buildKnn(unit, { k: 80, normalized: true, engine: wasm });
    // the same neighbours; their order may differ where two similarities tie to float precision
    let differing = 0;
    for (let i = 0; i < knn.n * 81; i += 81) {
      const mine = new Set(knn.indices.subarray(i, i + 81));
      if (!wasmKnn.indices.subarray(i, i + 81).every((x) => mine.has(x))) differing++;
    }
    assert.ok(differing <= 7, `${differing} of ${knn.n} kNN rows have other neighbours`);
    const pivots = Int32Array.from({ length: 200 }, (_, i) => i * 30);
    const a = await scoreLinks(model.params, unit, knn, { ips: model.config.ips, backend: native, pivots });
    const b = await scoreLinks(model.params, unit, knn, { ips: model.config.ips, backend: wasm, pivots });
    assert.deepEqual(b.dst, a.dst);
    assert.ok(largest(a.score, b.score) < 1e-5);
  } finally {
    await native.dispose();
    await wasm.dispose();
  }
});
