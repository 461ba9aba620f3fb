import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { decodeNpy, encodeNpyHeader, npyToFloat32, npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView, writeNpy } from '../../src/io/files.node.js';
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

/** A .npy file of version `major` with the header text given, then `data`. */
function npyFile(major: number, header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(`${header}\n`);
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  out.set(text, pre);
  out.set(data, pre + text.length);
  return out;
}
const f4 = (...xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);

test('headers as other writers space them: none, around colons, Python 2 longs; versions 1, 2 (a header past 64 KiB) and 3', () => {
  for (const header of [
    "{'descr':'<f4','fortran_order':False,'shape':(2,)}",
    "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , ) }",
    '{"descr": "<f4", "fortran_order": False, "shape": (2L,), }',
    "{'descr': 'f4', 'fortran_order': False, 'shape': (2,), }",
  ]) {
    const v = decodeNpy(npyFile(1, header, f4(1.5, -2)));
    assert.deepEqual([v.dtype, v.shape, Array.from(npyToFloat32(v))], ['f4', [2], [1.5, -2]], header);
  }
  const long = "{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 1L), }".padEnd(70_000, ' ');
  assert.deepEqual(decodeNpy(npyFile(2, long, f4(1, 2, 3))).shape, [3, 1]);
  assert.deepEqual(Array.from(npyToFloat32(decodeNpy(npyFile(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'note': 'é'}", f4(7))))), [7]);
  // 0-d and empty arrays
  assert.deepEqual(decodeNpy(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f4(5))).shape, []);
  assert.equal(decodeNpy(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }")).bytes.length, 0);
});

test('dtypes by their descr: ? and |b1 are bool, |u1 and |i1 bytes; a descr that is not exactly one of them is refused', () => {
  const one = (descr: string, byte: number) => decodeNpy(npyFile(1, `{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`, Uint8Array.of(byte)));
  assert.deepEqual([one('?', 1).dtype, one('|b1', 1).dtype, one('|u1', 200).dtype, one('|i1', 200).dtype], ['b1', 'b1', 'u1', 'i1']);
  assert.deepEqual([Array.from(npyToFloat64(one('|u1', 200))), Array.from(npyToFloat64(one('|i1', 200)))], [[200], [-56]]);
  for (const descr of ['x<f4', '<f4x', '<f', '<f3', '<c8', '<U3', '']) {
    assert.throws(() => decodeNpy(npyFile(1, `{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(16)), 'd.npy'), /unsupported dtype|no descr/, descr);
  }
});

test('shapes, byte order and header fields refused exactly where they are malformed', () => {
  const refused = (bytes: Uint8Array, re: RegExp) => assert.throws(() => decodeNpy(bytes, 'x.npy'),
    (e: unknown) => e instanceof FaceclusterError && re.test(e.message), String(re));
  for (const shape of ['(2x,)', '(x2,)', '(L2,)', '(2, -1)', '(1.5,)']) refused(npyFile(1, `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`, new Uint8Array(64)), /malformed .npy shape/);
  refused(npyFile(1, "{'descr': '<f4', 'shape': (1,), }", new Uint8Array(4)), /no fortran_order/);
  refused(npyFile(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", new Uint8Array(4)), /no fortran_order/);
  refused(npyFile(1, "{'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /no descr/);
  refused(npyFile(1, `{'descr': '<f8', 'fortran_order': False, 'shape': (${2 ** 30}, ${2 ** 30}), }`), /is too large/);
  refused(npyFile(0, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /unsupported .npy format version 0/);
  refused(npyFile(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /unsupported .npy format version 4/);
  // magic: right start, wrong end; the magic and version alone (10 bytes) are a truncated header, not bad magic
  refused(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0, 0, 0]), /bad magic/);
  refused(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 9]), /bad magic/);
  refused(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0]), /truncated .npy header/);
  refused(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 200, 0, 32]), /truncated .npy header/);
  // big-endian and Fortran order are converted, never viewed
  const big = new Uint8Array(8);
  new DataView(big.buffer).setFloat32(0, 1.25, false); new DataView(big.buffer).setFloat32(4, -3, false);
  assert.deepEqual(Array.from(npyToFloat32(decodeNpy(npyFile(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", big)))), [1.25, -3]);
  const fortran = decodeNpy(npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f4(1, 4, 2, 5, 3, 6)));
  assert.deepEqual(Array.from(npyToFloat32(fortran)), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(npyToFloat32(decodeNpy(npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", f4(1, 2, 3))))), [1, 2, 3]);
});

test('int32 bounds and wide integers: ±2³¹ refused, their neighbours inside kept; int64 and uint64 above 2³² read exactly', () => {
  const i8 = (...xs: bigint[]) => decodeNpy(npyFile(1, `{'descr': '<i8', 'fortran_order': False, 'shape': (${xs.length},), }`, new Uint8Array(BigInt64Array.from(xs).buffer)));
  assert.deepEqual(Array.from(npyToInt32(i8(-2147483648n, 2147483647n, 0n))), [-2147483648, 2147483647, 0]);
  assert.throws(() => npyToInt32(i8(2147483648n)), /not a 32-bit integer/);
  assert.throws(() => npyToInt32(i8(-2147483649n)), /not a 32-bit integer/);
  assert.deepEqual(Array.from(npyToFloat64(i8(5n * 2n ** 32n + 7n, -(2n ** 40n) - 3n))), [5 * 2 ** 32 + 7, -(2 ** 40) - 3]);
  const u8 = decodeNpy(npyFile(1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(BigUint64Array.of(3n * 2n ** 32n + 1n).buffer)));
  assert.deepEqual(Array.from(npyToFloat64(u8)), [3 * 2 ** 32 + 1]);
  // integral floats as indices only when asked, and whole
  const floats = decodeNpy(npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(Float64Array.of(3, 2147483647).buffer)));
  assert.deepEqual(Array.from(npyToInt32(floats, 'k.npy', true)), [3, 2147483647]);
  assert.throws(() => npyToInt32(decodeNpy(npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(Float64Array.of(2.5).buffer))), 'k.npy', true), /element 0 \(2.5\)/);
});

test('float16: normal, subnormal, zero, infinities and NaN decoded exactly', () => {
  const halves = Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7bff);
  const v = decodeNpy(npyFile(1, `{'descr': '<f2', 'fortran_order': False, 'shape': (${halves.length},), }`, new Uint8Array(halves.buffer)));
  const got = Array.from(npyToFloat64(v));
  assert.deepEqual(got.slice(0, 7), [1, -2, 2 ** -24, (1023 / 1024) * 2 ** -14, -0, Infinity, -Infinity]);
  assert.ok(Number.isNaN(got[7]));
  assert.equal(got[8], 65504);
});

test('written headers: 1-d shapes with their trailing comma, bytes as |u1, version 2 only past a 64 KiB header', () => {
  const text = (h: Uint8Array) => new TextDecoder('latin1').decode(h);
  assert.match(text(encodeNpyHeader('f4', [5])), /'descr': '<f4', 'fortran_order': False, 'shape': \(5,\)/);
  assert.match(text(encodeNpyHeader('u1', [2, 3])), /'descr': '\|u1', 'fortran_order': False, 'shape': \(2, 3\)/);
  assert.match(text(encodeNpyHeader('b1', [1])), /'descr': '\|b1'/);
  for (const shape of [[5], [2, 3], []]) {
    const h = encodeNpyHeader('f8', shape);
    assert.equal(h.length % 64, 0);
    assert.deepEqual(decodeNpy(Uint8Array.from([...h, ...new Uint8Array(8 * shape.reduce((a, b) => a * b, 1))])).shape, shape);
  }
  const v1 = encodeNpyHeader('f4', [1]);
  assert.equal(v1[6], 1);
  // a shape long enough that the header passes 65,535 bytes: version 2, 4-byte length
  const wide = Array.from({ length: 25_000 }, () => 1);
  const v2 = encodeNpyHeader('f4', wide);
  assert.equal(v2[6], 2);
  assert.deepEqual(decodeNpy(Uint8Array.from([...v2, 0, 0, 0, 0])).shape, wide);
});
