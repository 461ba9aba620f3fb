/** The codecs at their boundaries, from bytes (no files): extensions, widths, label lines, kNN rows, alignment, faces.json. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaceclusterError } from '../../src/errors.js';
import { decodeFeatures, decodeKnn, decodeLabels, encodeKnn, ext, validateKnn } from '../../src/io/codecs.js';
import { encodeNpy } from '../../src/io/npy.js';
import { parseFaces, photoIds } from '../../src/io/faces.js';

const refused = (re: RegExp, code?: string) => (e: unknown) => e instanceof FaceclusterError && re.test(e.message) && (code === undefined || e.code === code);
const joined = (parts: Iterable<Uint8Array>) => {
  const all = [...parts];
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of all) { out.set(p, at); at += p.length; }
  return out;
};
const npy = (data: Float32Array | Float64Array | Int32Array, shape: number[], dtype: 'f4' | 'f8' | 'i4' | 'i8') => joined(encodeNpy(data, shape, dtype));

test('ext: the last dot of the last path part, lower case; none for dotfiles and folders with dots', () => {
  assert.deepEqual(['a/b.NPY', 'a\\b.c\\d.Meta', 'x.tar.gz', '.hidden', 'dir.v2/file', 'dir.v2\\file', 'file', 'a/.npy', 'c:\\x.y/z.bin'].map(ext),
    ['.npy', '.meta', '.gz', '', '', '', '', '', '.bin']);
  assert.throws(() => decodeFeatures(new Uint8Array(4), 'feats'), refused(/from extension '\(none\)' \(expected \.npy or \.bin\)/, 'UNSUPPORTED'));
  assert.throws(() => decodeFeatures(new Uint8Array(4), 'feats.txt'), refused(/from extension '\.txt'/));
  assert.throws(() => decodeLabels(new Uint8Array(4), 'labels.bin'), refused(/labels from extension '\.bin' \(expected \.npy or \.meta\)/));
  assert.throws(() => decodeKnn(new Uint8Array(4), 'knn.meta'), refused(/a kNN graph from extension '\.meta'/));
});

test('.bin features: a width of at least 1 is needed; rows of that width; an unaligned view read right', () => {
  const rows = Float32Array.of(1, 2, 3, 4, 5, 6);
  const bytes = new Uint8Array(rows.buffer);
  for (const dim of [undefined, 0, -2, 1.5]) assert.throws(() => decodeFeatures(bytes, 'f.bin', dim === undefined ? {} : { dim }), refused(/need their row width/, 'BAD_OPTION'), String(dim));
  assert.deepEqual(decodeFeatures(bytes, 'f.bin', { dim: 1 }).n, 6);
  const three = decodeFeatures(bytes, 'f.bin', { dim: 3 });
  assert.deepEqual([three.n, three.dim, [...three.data]], [2, 3, [1, 2, 3, 4, 5, 6]]);
  assert.throws(() => decodeFeatures(bytes, 'f.bin', { dim: 4 }), refused(/24 bytes is not a whole number of 4-d float32 rows/));
  // the same bytes one byte into a buffer (as a Buffer from a file may be)
  const shifted = new Uint8Array(new ArrayBuffer(25), 1, 24);
  shifted.set(bytes);
  assert.deepEqual([...decodeFeatures(shifted, 'f.bin', { dim: 3 }).data], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => decodeFeatures(new Uint8Array(0), 'f.bin', { dim: 3 }), refused(/no faces \(0 rows\)/));
});

test('.npy features: 2-D floats with rows of width at least 1, finite', () => {
  assert.throws(() => decodeFeatures(npy(new Float32Array(0), [3, 0], 'f4'), 'f.npy'), refused(/width 0/));
  assert.throws(() => decodeFeatures(npy(new Float32Array(3), [3], 'f4'), 'f.npy'), refused(/2-D \(N×D\), got shape \(3\)/, 'SHAPE_MISMATCH'));
  assert.throws(() => decodeFeatures(npy(new Int32Array(3), [3, 1], 'i4'), 'f.npy'), refused(/floating point, got dtype i4/));
  assert.throws(() => decodeFeatures(npy(Float32Array.of(1, Infinity), [1, 2], 'f4'), 'f.npy'), refused(/row 0, column 1 is Infinity/));
  assert.deepEqual([...decodeFeatures(npy(Float64Array.of(0.5, 2), [2, 1], 'f8'), 'f.npy').data], [0.5, 2]);
});

test('labels: N or N×1 .npy only; .meta lines of whole numbers within int32, a final newline optional', () => {
  assert.deepEqual([...decodeLabels(npy(Int32Array.of(3, 4), [2, 1], 'i4'), 'l.npy')], [3, 4]);
  assert.deepEqual([...decodeLabels(npy(Int32Array.of(3, 4), [2], 'i4'), 'l.npy')], [3, 4]);
  for (const shape of [[1, 2], [2, 1, 1], [1, 2, 1]]) {
    assert.throws(() => decodeLabels(npy(Int32Array.of(3, 4), shape, 'i4'), 'l.npy'), refused(/labels must be 1-D \(N\) or N×1/), String(shape));
  }
  const meta = (text: string) => [...decodeLabels(new TextEncoder().encode(text), 'l.meta')];
  assert.deepEqual(meta('1\n-2\n 30 \r\n2147483647\n-2147483647'), [1, -2, 30, 2147483647, -2147483647]);
  assert.deepEqual(meta('5\n'), [5]);
  assert.throws(() => meta('5\n\n'), refused(/line 2 \(''\)/), 'one final newline, not two');
  for (const [text, line] of [['1\n2147483648', 2], ['-2147483648', 1], ['1.0', 1], ['x1', 1], ['1x', 1], ['--1', 1], [`${'9'.repeat(60)}`, 1]] as const) {
    assert.throws(() => meta(text), refused(new RegExp(`line ${line} \\('`)), text);
  }
  // a long bad line is quoted to 40 characters
  assert.throws(() => meta('y'.repeat(100)), refused(new RegExp(`\\('${'y'.repeat(40)}'\\)`)));
});

test('kNN rows: self first, every id in [0, n), none twice; N×(K+1) with K ≥ 0; learn-to-cluster arrays [N, 2, K+1]', () => {
  const ok = { n: 3, k: 1, indices: Int32Array.of(0, 2, 1, 0, 2, 0) };
  validateKnn(ok);
  validateKnn({ n: 1, k: 0, indices: Int32Array.of(0) });
  for (const [indices, re] of [
    [Int32Array.of(1, 0, 1, 0, 2, 0), /row 0 does not start with itself \(column 0 is 1\)/],
    [Int32Array.of(0, 2, 1, 0, 2, 3), /row 2, column 1: index 3 is out of range \[0, 3\)/],
    [Int32Array.of(0, -1, 1, 0, 2, 0), /row 0, column 1: index -1/],
    [Int32Array.of(0, 0, 1, 0, 2, 0), /row 0 lists 0 twice \(column 1\)/],
    [Int32Array.of(0, 2, 1, 1, 2, 0), /row 1 lists 1 twice/],
  ] as const) assert.throws(() => validateKnn({ ...ok, indices }, 'k.npy'), refused(re), String(indices));
  assert.throws(() => validateKnn({ n: 0, k: 1, indices: new Int32Array(0) }), refused(/no rows/));
  assert.deepEqual(decodeKnn(npy(Int32Array.of(0, 1), [2, 1], 'i4'), 'k.npy').k, 0);
  assert.throws(() => decodeKnn(npy(new Int32Array(0), [2, 0], 'i4'), 'k.npy'), refused(/N×\(K\+1\), got shape \(2, 0\)/));
  assert.throws(() => decodeKnn(npy(Int32Array.of(0, 1), [2], 'i4'), 'k.npy'), refused(/N×\(K\+1\), got shape \(2\)/));
  // learn-to-cluster's layout inside an .npz, written by encodeKnn and read back; other shapes refused
  const knn = { n: 2, k: 1, indices: Int32Array.of(0, 1, 1, 0), sims: Float32Array.of(1, 0.5, 1, 0.5) };
  const npz = joined(encodeKnn('k.npz', knn));
  const back = decodeKnn(npz, 'k.npz');
  assert.deepEqual([[...back.indices], [...back.sims!]], [[0, 1, 1, 0], [1, 0.5, 1, 0.5]]);
});

test('faces.json: an array of entries with an image path each; photoIds shares a number per key, −1 for none', () => {
  assert.deepEqual(parseFaces('[{"image": "a.jpg", "box": [1, 2, 3, 4]}, {"image": ""}]', 'f.json'), [{ image: 'a.jpg', box: [1, 2, 3, 4] }, { image: '' }]);
  assert.deepEqual(parseFaces('[]', 'f.json'), []);
  for (const [text, re] of [['{', /not valid JSON/], ['{"image": "a"}', /expected an array/], ['[{"image": "a"}, {"box": []}]', /entry 1 has no "image" path/],
    ['[null]', /entry 0/], ['["a.jpg"]', /entry 0/], ['[{"image": 5}]', /entry 0/]] as const) {
    assert.throws(() => parseFaces(text, 'f.json'),
      (e: unknown) => e instanceof FaceclusterError && e.code === 'BAD_FILE' && e.message.startsWith('f.json: ') && re.test(e.message), text);
  }
  assert.deepEqual([...photoIds(['a', 'b', 'a', undefined, null, 7, 'b', 7])], [0, 1, 0, -1, -1, 2, 1, 2]);
  assert.deepEqual([...photoIds([])], []);
});
