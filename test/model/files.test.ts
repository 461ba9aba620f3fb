import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { loadModel, readSafetensors, saveModel, writeSafetensors } from '../../src/model/files.node.js';
import type { ModelConfig } from '../../src/model/model.js';
import { initParams } from '../../src/model/params.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.js';
import { tempDir } from '../helpers.js';

const ARCH = { dim: 6, widths: [8, 8, 4, 4], hidden: 4 };
const config = (): ModelConfig => ({ format: 'facecluster-lgcn', version: 1, architecture: ARCH, normalize: 'l2', trainIps: { k1: 10, k2: 5, u: 5 },
  ips: { k1: 8, k2: 4, u: 4 } });
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

test('safetensors round trip, layout per the spec', (t) => {
  const params = initParams(ARCH, 1);
  const dir = tempDir(t);
  writeSafetensors(join(dir, 'm.safetensors'), params, { note: 'x' });
  const bytes = readFileSync(join(dir, 'm.safetensors'));
  const headerLen = Number(bytes.readBigUInt64LE(0));
  assert.equal(headerLen % 8, 0);
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8'));
  assert.deepEqual(header['conv1.weight'], { dtype: 'F32', shape: [12, 8], data_offsets: [header['bn0.running_var'].data_offsets[1], header['bn0.running_var'].data_offsets[1] + 12 * 8 * 4] });
  assert.equal(header.__metadata__.note, 'x');
  const back = readSafetensors(join(dir, 'm.safetensors'));
  for (const [name, p] of params) assert.deepEqual(back.tensors.get(name), p);
});

test('damaged or malformed safetensors are refused', () => {
  const good = concat(encodeSafetensors(initParams(ARCH, 2)));
  const isError = (re: RegExp) => (e: unknown) => e instanceof FaceclusterError && re.test(e.message);
  assert.throws(() => decodeSafetensors(good.subarray(0, 5), 'f'), isError(/shorter than its 8-byte header/));
  assert.throws(() => decodeSafetensors(good.subarray(0, 100), 'f'), isError(/truncated safetensors header/));
  assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4), 'f'), isError(/truncated: tensor .* ends at byte/));
  const flipped = good.slice();
  flipped[flipped.length - 1]! ^= 1;
  assert.throws(() => decodeSafetensors(flipped, 'f'), isError(/checksum mismatch/));
  const junk = new Uint8Array(16);
  new DataView(junk.buffer).setBigUint64(0, 8n, true);
  junk.set(new TextEncoder().encode('{{{{{{{{'), 8);
  assert.throws(() => decodeSafetensors(junk, 'f'), isError(/not valid JSON/));
});

test('model folders: save, load, and clear errors', (t) => {
  const dir = tempDir(t);
  const params = initParams(ARCH, 3);
  saveModel(join(dir, 'm'), { params, config: config() });
  const m = loadModel(join(dir, 'm'));
  assert.deepEqual(m.config, config());
  assert.deepEqual(m.params.get('classifier.2.bias'), params.get('classifier.2.bias'));
  assert.throws(() => loadModel(join(dir, 'none')), /none: no model here \(config.json is missing\)/);
  writeFileSync(join(dir, 'm/config.json'), '{"format": "other"}');
  assert.throws(() => loadModel(join(dir, 'm')), /not a facecluster model config/);
  writeFileSync(join(dir, 'm/config.json'), JSON.stringify({ ...config(), architecture: { ...ARCH, dim: 7 } }));
  assert.throws(() => loadModel(join(dir, 'm')), /does not match the weights \(D = 6/);
  const missing = new Map(params);
  missing.delete('conv2.bias');
  writeSafetensors(join(dir, 'm/model.safetensors'), missing);
  writeFileSync(join(dir, 'm/config.json'), JSON.stringify(config()));
  assert.throws(() => loadModel(join(dir, 'm')), /expected 4 graph convolutions|missing tensor conv2.bias/);
});
