import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/random.js';
import { spmm, transposeCsr, type Csr } from '../../src/model/sparse.js';

/** A random sparse matrix, its dense copy, with some empty rows and a long one. */
function randomCsr(rows: number, cols: number, seed: number): { a: Csr; dense: Float64Array } {
  const random = seededRandom(seed);
  const dense = new Float64Array(rows * cols);
  const rowPtr = new Int32Array(rows + 1), c: number[] = [], v: number[] = [];
  for (let i = 0; i < rows; i++) {
    const count = i % 5 === 0 ? 0 : i === 3 ? 70 : 1 + Math.floor(random() * 6);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, cols)) chosen.add(Math.floor(random() * cols));
    for (const j of [...chosen].sort((x, y) => x - y)) {
      const x = Math.fround(random() - 0.5);
      c.push(j);
      v.push(x);
      dense[i * cols + j] = x;
    }
    rowPtr[i + 1] = c.length;
  }
  return { a: { rows, rowPtr, cols: Int32Array.from(c), vals: Float32Array.from(v) }, dense };
}

test('spmm equals the dense product for selected rows, remapped source rows, strides, offsets and a ragged width', () => {
  const rows = 40, cols = 40, width = 21; // 21: two blocks of eight and a tail of five
  const { a, dense } = randomCsr(rows, cols, 3);
  const random = seededRandom(4);
  // src holds column c of A at row srcRowOf[c], inside a wider matrix at an offset
  const srcRows = 50, srcStride = 30, srcOffset = 6;
  const src = Float32Array.from({ length: srcRows * srcStride }, () => random() - 0.5);
  const srcRowOf = Int32Array.from({ length: cols }, (_, c) => (c * 7 + 3) % srcRows);
  const sel = Int32Array.of(3, 0, 17, 39, 3, 8);
  for (const accumulate of [false, true]) {
    const dstStride = 25, dstOffset = 2;
    const dst = Float32Array.from({ length: sel.length * dstStride }, (_, i) => i * 0.01);
    const before = dst.slice();
    spmm(a, { rows: sel, srcRowOf, src, srcStride, srcOffset, width, dst, dstStride, dstOffset, accumulate });
    for (let k = 0; k < sel.length; k++) {
      for (let j = 0; j < dstStride; j++) {
        const at = k * dstStride + j;
        if (j < dstOffset || j >= dstOffset + width) {
          assert.equal(dst[at], before[at], 'outside the written columns nothing changes');
          continue;
        }
        let want = accumulate ? before[at]! : 0;
        for (let c = 0; c < cols; c++) want += dense[sel[k]! * cols + c]! * src[srcRowOf[c]! * srcStride + srcOffset + j - dstOffset]!;
        assert.ok(Math.abs(dst[at]! - want) < 1e-5, `row ${k} col ${j}: ${dst[at]} vs ${want}`);
      }
    }
  }
});

test('transposeCsr is the transpose, and spmm over it is Aᵀ·X', () => {
  const { a, dense } = randomCsr(23, 23, 9);
  const t = transposeCsr(a);
  const back = new Float64Array(23 * 23);
  for (let i = 0; i < 23; i++) for (let e = t.rowPtr[i]!; e < t.rowPtr[i + 1]!; e++) back[t.cols[e]! * 23 + i] = t.vals[e]!;
  assert.deepEqual(back, dense);
  const x = Float32Array.from({ length: 23 * 8 }, (_, i) => Math.sin(i));
  const y = new Float32Array(23 * 8);
  spmm(t, { src: x, srcStride: 8, srcOffset: 0, width: 8, dst: y, dstStride: 8, dstOffset: 0, accumulate: false });
  for (let i = 0; i < 23; i++) {
    for (let j = 0; j < 8; j++) {
      let want = 0;
      for (let r = 0; r < 23; r++) want += dense[r * 23 + i]! * x[r * 8 + j]!;
      assert.ok(Math.abs(y[i * 8 + j]! - want) < 1e-5);
    }
  }
});

test('spmm reads rows of a table of 10 million faces × 1,024 columns at their true offsets (past 2^31), without allocating it', () => {
  // a stand-in for the table: element i holds (i mod 1009) / 1009, made up on access
  const table = new Proxy({}, { get: (_t, key) => (typeof key === 'string' && /^\d+$/.test(key) ? (Number(key) % 1009) / 1009 : undefined) }) as unknown as Float32Array;
  const stride = 1024, width = 16, offset = 512;
  const a = { rows: 2, rowPtr: Int32Array.of(0, 2, 3), cols: Int32Array.of(0, 1, 2), vals: Float32Array.of(0.5, 0.25, 1) };
  const faces = Int32Array.of(9_999_999, 2_100_000, 5_000_123);
  const dst = new Float32Array(2 * width);
  spmm(a, { srcRowOf: faces, src: table, srcStride: stride, srcOffset: offset, width, dst, dstStride: width, dstOffset: 0, accumulate: false });
  const at = (face: number, j: number) => ((face * stride + offset + j) % 1009) / 1009;
  for (let j = 0; j < width; j++) {
    assert.ok(Math.abs(dst[j]! - (0.5 * at(9_999_999, j) + 0.25 * at(2_100_000, j))) < 1e-6, `row 0 column ${j}`);
    assert.ok(Math.abs(dst[width + j]! - at(5_000_123, j)) < 1e-6, `row 1 column ${j}`);
  }
});
