import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsBackend } from '../../src/engine/backend.js';
import { buildKnn } from '../../src/knn/index.js';
import { syntheticFaces } from '../../src/synthetic/index.js';
import { learningRate, TRAIN_DEFAULTS, trainGcn, type TrainState } from '../../src/train/index.js';
import { readCheckpoint, writeCheckpoint } from '../../src/train/checkpoint.js';
import { tempDir } from '../helpers.js';
import { join } from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';

const ARCH = { dim: 16, widths: [12, 12, 8, 8], hidden: 8 };

async function setup() {
  const { features, labels } = syntheticFaces({ n: 120, dim: 16, seed: 2, maxIdentitySize: 12, noise: 0.6 });
  const knn = await buildKnn(features, { k: 8, normalized: true });
  const settings = { ...TRAIN_DEFAULTS, ips: { k1: 8, k2: 3, u: 3 }, epochs: 3, batchSize: 8, lr: 0.05, lrDecayEpochs: [2] };
  return { data: { features, knn, labels }, settings };
}

test('the seed schedule: lr ×0.1 at the start of epochs 1, 2, 3, 4', () => {
  assert.deepEqual([0, 1, 2, 3].map((e) => learningRate(TRAIN_DEFAULTS, e)).map((x) => +x.toPrecision(6)), [0.01, 0.001, 0.0001, 0.00001]);
});

test('training lowers the loss, is deterministic, and a resumed run ends with the same weights', async (t) => {
  const { data, settings } = await setup();
  const backend = new JsBackend();
  const full = await trainGcn(data, { settings, backend, architecture: ARCH });
  assert.equal(full.history.length, 3);
  assert.ok(full.history[2]!.loss < full.history[0]!.loss, JSON.stringify(full.history.map((h) => h.loss)));
  // stop after one epoch, checkpoint through a file, resume
  const dir = tempDir(t);
  const path = join(dir, 'checkpoint.safetensors');
  await trainGcn(data, { settings: { ...settings, epochs: 1 }, backend, architecture: ARCH, onEpoch: (s) => writeCheckpoint(path, s, { ...settings,
    epochs: 1 }) });
  const firstEpoch: TrainState | undefined = readCheckpoint(path, settings);
  assert.equal(firstEpoch.epoch, 1);
  const resumed = await trainGcn(data, { settings, backend, resume: firstEpoch });
  for (const [name, p] of full.params) assert.deepEqual(resumed.params.get(name)!.data, p.data, name);
  assert.deepEqual(resumed.history.map((h) => h.loss), full.history.map((h) => h.loss));
  // a damaged checkpoint is refused; so is one made with other settings
  const bytes = readFileSync(path);
  bytes[bytes.length - 3]! ^= 0xff;
  writeFileSync(join(dir, 'bad.safetensors'), bytes);
  assert.throws(() => readCheckpoint(join(dir, 'bad.safetensors'), settings), /checksum mismatch/);
  assert.throws(() => readCheckpoint(path, { ...settings, lr: 0.1 }), /other settings/);
  // the same settings in another key order (as a config file may list them) are the same run
  const reordered = Object.fromEntries(Object.entries(settings).reverse().map(([k, v]) => [k,
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v]));
  assert.equal(readCheckpoint(path, reordered as typeof settings).epoch, 1);
});
