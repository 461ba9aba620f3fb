import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deepLegacyCheckpoint } from '../fuzz/readers.js';
import { FaceclusterError } from '../../src/errors.js';
import { decodeTorchCheckpoint } from '../../src/io/torch.js';
import { paramsFromTorch } from '../../src/model/import-torch.js';
import { paramShapes } from '../../src/model/params.js';
import { FIXTURES } from '../helpers.js';
import { goldenParams } from '../model/golden.js';

const DIR = join(FIXTURES, 'torch');
const TINY = { dim: 6, widths: [8, 8, 4, 4], hidden: 4 };

test('every checkpoint layout (zip and legacy, bare, under state_dict, DataParallel) gives the same tensors', () => {
  for (const file of ['tiny-zip-bare.pt', 'tiny-zip-wrapped.pt', 'tiny-legacy-bare.pt', 'tiny-legacy-dataparallel.ckpt']) {
    const { params, architecture } = paramsFromTorch(decodeTorchCheckpoint(readFileSync(join(DIR, file)), file), file);
    assert.deepEqual(architecture, TINY, file);
    // make_torch_fixtures.py: value k of tensor t is t + 0.001·k (+1 for the variances), row-major
    // even where the tensor is a strided view or shares its storage with another
    paramShapes(TINY).forEach(([name, shape], t) => {
      const p = params.get(name)!;
      assert.deepEqual(p.shape, shape, `${file} ${name}`);
      p.data.forEach((x, k) => { assert.ok(Math.abs(x - (t + 0.001 * k + (name === 'bn0.running_var' ? 1 : 0))) < 1e-6, `${file} ${name}[${k}] = ${x}`); });
    });
    assert.equal(params.has('bn0.num_batches_tracked'), false);
  }
});

test('the legacy golden checkpoint holds exactly the reference weights', () => {
  const { params } = paramsFromTorch(decodeTorchCheckpoint(readFileSync(join(DIR, 'golden-legacy.ckpt'))));
  for (const [name, p] of goldenParams()) assert.deepEqual(params.get(name)!.data, p.data, name);
});

test('damaged or foreign checkpoints are refused with one clean message', () => {
  const legacy = readFileSync(join(DIR, 'tiny-legacy-bare.pt'));
  const zip = readFileSync(join(DIR, 'tiny-zip-bare.pt'));
  const cases: [Uint8Array, RegExp][] = [
    [new TextEncoder().encode('hello'), /not a PyTorch checkpoint/],
    [legacy.subarray(0, legacy.length - 10), /truncated/],
    [legacy.subarray(0, legacy.length - 30), /truncated: storage/],
    [legacy.subarray(0, 200), /not a readable pickle: unterminated line/],
    [zip.subarray(0, 300), /not a readable zip archive/],
    // 100,000 nested lists: refused, not a stack overflow
    [deepLegacyCheckpoint(100_000), /nested more than 1000 deep/],
  ];
  for (const [bytes, re] of cases) {
    assert.throws(() => paramsFromTorch(decodeTorchCheckpoint(bytes, 'x.ckpt'), 'x.ckpt'),
      (e) => e instanceof FaceclusterError && re.test(e.message) && e.message.startsWith('x.ckpt: '));
  }
});
