import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { decodeNpy, npyToFloat32, npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView, writeNpy } from '../../src/io/formats.js';
import { FIXTURES, tempDir } from '../helpers.js';

interface Case { file: string; dtype: string; shape: number[]; fortran: boolean; values: number[] }
const cases: Case[] = JSON.parse(readFileSync(join(FIXTURES, 'npy/cases.json'), 'utf8'));

test('reads every dtype, byte order, memory order and version NumPy wrote', () => {
  assert.ok(cases.length >= 40);
  for (const c of cases) {
    const v = readNpyView(join(FIXTURES, 'npy', c.file));
    assert.deepEqual(v.shape, c.shape, c.file);
    assert.equal(v.fortranOrder, c.fortran, c.file);
    assert.deepEqual(Array.from(npyToFloat64(v)), c.values, c.file);
    if (c.dtype.includes('f') || c.file.startsWith('i8-big')) continue;
    assert.deepEqual(Array.from(npyToInt32(v, c.file)), c.values, c.file);
  }
});

test('float32 little-endian C-order data comes back as a view, not a copy', () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'npy/f4-le-c.npy')));
  const aligned = new Uint8Array(new ArrayBuffer(bytes.length));
  aligned.set(bytes);
  const f = npyToFloat32(decodeNpy(aligned));
  assert.equal(f.buffer, aligned.buffer);
  assert.deepEqual(Array.from(f), [0.5, 1.5, -1.5, 3.5, 4.5, -4.5, 6.5, 7.5, 8.5, 9.5, -9.5, 11.5]);
});

test('int64 values outside int32 are refused as indices', () => {
  assert.throws(() => npyToInt32(readNpyView(join(FIXTURES, 'npy/i8-big.npy')), 'i8-big.npy'), /not a 32-bit integer/);
  assert.deepEqual(Array.from(npyToFloat64(readNpyView(join(FIXTURES, 'npy/i8-big.npy')))), [2 ** 40, -(2 ** 40)]);
});

test('float arrays are refused as integers unless asked', () => {
  assert.throws(() => npyToInt32(readNpyView(join(FIXTURES, 'npy/f4-le-c.npy'))), /expected integers/);
});

test('write then read round-trips f4, f8, i4 and i8', (t) => {
  const dir = tempDir(t);
  const data = Float32Array.of(1, -2, 3.25, 4, 5, 6);
  writeNpy(join(dir, 'a.npy'), data, [2, 3], 'f4');
  assert.deepEqual(Array.from(npyToFloat32(readNpyView(join(dir, 'a.npy')))), Array.from(data));
  writeNpy(join(dir, 'b.npy'), Float64Array.of(0.1, 0.2), [2], 'f8');
  assert.deepEqual(Array.from(npyToFloat64(readNpyView(join(dir, 'b.npy')))), [0.1, 0.2]);
  writeNpy(join(dir, 'c.npy'), Int32Array.of(-3, 0, 2147483647), [3], 'i8');
  const v = readNpyView(join(dir, 'c.npy'));
  assert.equal(v.dtype, 'i8');
  assert.deepEqual(Array.from(npyToInt32(v)), [-3, 0, 2147483647]);
  writeNpy(join(dir, 'd.npy'), Int32Array.of(7), [1, 1], 'i4');
  assert.deepEqual(readNpyView(join(dir, 'd.npy')).shape, [1, 1]);
  // headers are padded so the data starts on a 64-byte boundary
  assert.equal(readFileSync(join(dir, 'a.npy')).length, 128 + 24);
  assert.deepEqual(readdirSync(dir).sort(), ['a.npy', 'b.npy', 'c.npy', 'd.npy']);
});

test('malformed files fail with a FaceclusterError naming the file', (t) => {
  const dir = tempDir(t);
  const good = readFileSync(join(FIXTURES, 'npy/f4-le-c.npy'));
  const bad: [string, Uint8Array, RegExp][] = [
    ['empty.npy', new Uint8Array(0), /bad magic/],
    ['magic.npy', new TextEncoder().encode('hello world, not numpy'), /bad magic/],
    ['truncated.npy', good.subarray(0, good.length - 5), /truncated: shape \(3, 4\) needs 48 data bytes, file has 43/],
    ['header.npy', good.subarray(0, 30), /truncated .npy header/],
    ['version.npy', Uint8Array.from([...good.subarray(0, 6), 9, 0, ...good.subarray(8)]), /unsupported .npy format version 9/],
  ];
  const npy = (header: string) => new Uint8Array(Buffer.from(`\x93NUMPY\x01\x00v\x00${header.padEnd(117, ' ')}\n${'\0'.repeat(8)}`, 'latin1'));
  bad.push(['complex.npy', npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"), /unsupported dtype '<c8'/]);
  bad.push(['record.npy', npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), /structured/]);
  bad.push(['noshape.npy', npy("{'descr': '<f4', 'fortran_order': False, }"), /no shape/]);
  bad.push(['badshape.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }"), /malformed .npy shape/]);
  for (const [name, bytes, re] of bad) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    assert.throws(() => readNpyView(path), (e: unknown) => e instanceof FaceclusterError && e.message.startsWith(path) && re.test(e.message), name);
  }
  assert.throws(() => readNpyView(join(dir, 'missing.npy')), (e: unknown) => e instanceof FaceclusterError && e.code === 'NOT_FOUND');
});

test('a failed write leaves no file behind', (t) => {
  const dir = tempDir(t);
  assert.throws(() => writeNpy(join(dir, 'x.npy'), Float32Array.of(1, 2, 3), [2, 2], 'f4'), /does not match/);
  assert.throws(() => writeNpy(join(dir, 'no/such/dir/x.npy'), Float32Array.of(1), [1], 'f4'), /cannot write/);
  assert.equal(existsSync(join(dir, 'x.npy')), false);
  assert.deepEqual(readdirSync(dir), []);
});
