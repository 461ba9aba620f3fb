/**
 * NumPy `.npy` format, versions 1.0, 2.0 and 3.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, major and minor version bytes, a header length (uint16 in 1.0, uint32 in
 * 2.0/3.0, little-endian), a Python dict literal `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (N, D), }` (latin-1, or UTF-8 in 3.0), then the raw array.
 */
import { fail } from '../errors.js';

export type NpyDtype = 'f2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

const ITEM_SIZE: Record<NpyDtype, number> = {
  f2: 2, f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1,
};

/** A decoded header plus the raw bytes of the array that follows it. */
export interface NpyView {
  dtype: NpyDtype;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** The array's bytes, exactly `size × itemsize` long. */
  bytes: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function decodeNpy(buf: Uint8Array, file?: string): NpyView {
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) fail('BAD_FILE', 'not a .npy file (bad magic bytes)', file);
  const major = buf[6]!;
  if (major < 1 || major > 3) fail('UNSUPPORTED', `unsupported .npy format version ${major}.${buf[7]}`, file);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) fail('BAD_FILE', 'truncated .npy header', file);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > buf.length) fail('BAD_FILE', 'truncated .npy header', file);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(start, start + headerLen));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  if (descr === undefined) {
    if (/['"]descr['"]\s*:\s*\[/.test(header)) fail('UNSUPPORTED', 'structured (record) dtypes are not supported', file);
    fail('BAD_FILE', 'malformed .npy header (no descr)', file);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) fail('BAD_FILE', 'malformed .npy header (no fortran_order)', file);
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) fail('BAD_FILE', 'malformed .npy header (no shape)', file);
  const shape = shapeText.split(',').map((s) => s.trim().replace(/L$/, '')).filter((s) => s.length > 0).map((s) => {
    if (!/^\d+$/.test(s)) fail('BAD_FILE', `malformed .npy shape (${shapeText})`, file);
    return Number(s);
  });

  const m = /^([<>|=]?)([fiub?])(\d*)$/.exec(descr);
  let dtype: NpyDtype | undefined;
  if (m) {
    const kind = m[2] === '?' ? 'b' : m[2]!;
    const size = m[2] === '?' ? '1' : m[3]!;
    const key = `${kind}${size}`;
    if (key in ITEM_SIZE) dtype = key as NpyDtype;
  }
  if (dtype === undefined || m === null) {
    fail('UNSUPPORTED', `unsupported dtype '${descr}' (supported: f2 f4 f8 i1-i8 u1-u8 bool)`, file);
  }
  // '=' means native order; every platform Node runs facecluster on is little-endian.
  const littleEndian = m[1] !== '>';
  const size = shape.reduce((a, b) => a * b, 1);
  const nbytes = size * ITEM_SIZE[dtype];
  const dataStart = start + headerLen;
  if (!Number.isSafeInteger(nbytes)) fail('BAD_FILE', `shape (${shape.join(', ')}) is too large`, file);
  if (buf.length - dataStart < nbytes) {
    fail('BAD_FILE', `truncated: shape (${shape.join(', ')}) needs ${nbytes} data bytes, file has ${buf.length - dataStart}`, file);
  }
  return { dtype, littleEndian, fortranOrder: fortran === 'True', shape, bytes: buf.subarray(dataStart, dataStart + nbytes) };
}

/** A per-element reader for a dtype: returns element `i` of the raw bytes as a JS number. */
function elementReader(v: NpyView): (i: number) => number {
  const dv = new DataView(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength);
  const le = v.littleEndian;
  switch (v.dtype) {
    case 'f2': return (i) => halfToFloat(dv.getUint16(2 * i, le));
    case 'f4': return (i) => dv.getFloat32(4 * i, le);
    case 'f8': return (i) => dv.getFloat64(8 * i, le);
    case 'i1': return (i) => dv.getInt8(i);
    case 'u1': return (i) => dv.getUint8(i);
    case 'b1': return (i) => (dv.getUint8(i) === 0 ? 0 : 1);
    case 'i2': return (i) => dv.getInt16(2 * i, le);
    case 'u2': return (i) => dv.getUint16(2 * i, le);
    case 'i4': return (i) => dv.getInt32(4 * i, le);
    case 'u4': return (i) => dv.getUint32(4 * i, le);
    // 64-bit integers: combine the two halves; exact up to 2^53, which callers range-check.
    case 'i8': return (i) => {
      const lo = dv.getUint32(8 * i + (le ? 0 : 4), le);
      const hi = dv.getInt32(8 * i + (le ? 4 : 0), le);
      return hi * 4294967296 + lo;
    };
    case 'u8': return (i) => {
      const lo = dv.getUint32(8 * i + (le ? 0 : 4), le);
      const hi = dv.getUint32(8 * i + (le ? 4 : 0), le);
      return hi * 4294967296 + lo;
    };
  }
}

/** IEEE 754 half precision (binary16) bits to a number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Position in the raw (Fortran-ordered) data of each C-order element, for any rank. */
function fortranIndex(shape: number[]): (c: number) => number {
  const strides: number[] = [];
  let s = 1;
  for (const d of shape) { strides.push(s); s *= d; }
  return (c) => {
    let f = 0;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      const d = shape[ax]!;
      f += (c % d) * strides[ax]!;
      c = Math.floor(c / d);
    }
    return f;
  };
}

function convert<T extends Float32Array | Float64Array | Int32Array>(v: NpyView, out: T, check?: (x: number, i: number) => number): T {
  const read = elementReader(v);
  const n = out.length;
  const at = v.fortranOrder && v.shape.length > 1 ? fortranIndex(v.shape) : (i: number) => i;
  for (let i = 0; i < n; i++) {
    const x = read(at(i));
    out[i] = check ? check(x, i) : x;
  }
  return out;
}

function isNative(v: NpyView, dtype: NpyDtype, align: number): boolean {
  return v.dtype === dtype && v.littleEndian && (!v.fortranOrder || v.shape.length < 2) && v.bytes.byteOffset % align === 0;
}

/** The array as float32 in C order; a view (no copy) for little-endian C-order f4 data. */
export function npyToFloat32(v: NpyView): Float32Array {
  const n = v.bytes.byteLength / ITEM_SIZE[v.dtype];
  if (isNative(v, 'f4', 4)) return new Float32Array(v.bytes.buffer, v.bytes.byteOffset, n);
  return convert(v, new Float32Array(n));
}

export function npyToFloat64(v: NpyView): Float64Array {
  const n = v.bytes.byteLength / ITEM_SIZE[v.dtype];
  if (isNative(v, 'f8', 8)) return new Float64Array(v.bytes.buffer, v.bytes.byteOffset, n);
  return convert(v, new Float64Array(n));
}

/**
 * The array as int32 in C order. Integer dtypes must fit in int32; float dtypes are accepted only
 * with `allowIntegralFloats` (learn-to-cluster stores neighbour ids as float32) and must hold
 * whole numbers.
 */
export function npyToInt32(v: NpyView, file?: string, allowIntegralFloats = false): Int32Array {
  const n = v.bytes.byteLength / ITEM_SIZE[v.dtype];
  const isFloat = v.dtype[0] === 'f';
  if (isFloat && !allowIntegralFloats) fail('BAD_VALUE', `expected integers, found dtype ${v.dtype}`, file);
  if (isNative(v, 'i4', 4)) return new Int32Array(v.bytes.buffer, v.bytes.byteOffset, n);
  return convert(v, new Int32Array(n), (x, i) => {
    if (!Number.isInteger(x) || x < -2147483648 || x > 2147483647) {
      fail('BAD_VALUE', `element ${i} (${x}) is not a 32-bit integer`, file);
    }
    return x;
  });
}

export type NpyWritable = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Encodes the header for a little-endian C-order array, padded so the data starts 64-byte aligned. */
export function encodeNpyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const descr = dtype === 'b1' ? '|b1' : dtype.endsWith('1') ? `|${dtype}` : `<${dtype}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const v1 = dict.length + 11 < 65536;
  const pre = v1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = `${dict.padEnd(total - pre - 1, ' ')}\n`;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (v1) dv.setUint16(8, dict.length, true);
  else dv.setUint32(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), pre);
  return out;
}

/** Bytes of `data` as `dtype`, produced in bounded chunks so large arrays are not copied whole. */
function* dataChunks(data: NpyWritable, dtype: NpyDtype, file?: string): Generator<Uint8Array> {
  const sameType =
    (dtype === 'f4' && data instanceof Float32Array) || (dtype === 'f8' && data instanceof Float64Array) ||
    (dtype === 'i4' && data instanceof Int32Array) || ((dtype === 'u1' || dtype === 'b1') && data instanceof Uint8Array);
  if (sameType) {
    yield new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return;
  }
  const CHUNK = 1 << 16;
  for (let s = 0; s < data.length; s += CHUNK) {
    const part = data.subarray(s, Math.min(data.length, s + CHUNK));
    switch (dtype) {
      case 'f4': yield new Uint8Array(Float32Array.from(part).buffer); break;
      case 'f8': yield new Uint8Array(Float64Array.from(part).buffer); break;
      case 'i8': {
        // little-endian int64 as (low, high) int32 pairs
        const out = new Int32Array(part.length * 2);
        for (let i = 0; i < part.length; i++) {
          const x = part[i]!;
          if (!Number.isInteger(x)) fail('BAD_VALUE', `cannot write ${x} as an integer`, file);
          const hi = Math.floor(x / 4294967296);
          out[2 * i] = (x - hi * 4294967296) | 0;
          out[2 * i + 1] = hi;
        }
        yield new Uint8Array(out.buffer);
        break;
      }
      case 'i4': yield new Uint8Array(Int32Array.from(part).buffer); break;
      default: fail('UNSUPPORTED', `writing dtype ${dtype} from ${data.constructor.name} is not supported`, file);
    }
  }
}

/**
 * A little-endian, C-order `.npy` (version 1.0, or 2.0 for very long headers) as chunks of bytes;
 * `file` names it in errors.
 */
export function encodeNpy(data: NpyWritable, shape: readonly number[], dtype: NpyDtype, file?: string): Iterable<Uint8Array> {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) fail('SHAPE_MISMATCH', `shape (${shape.join(', ')}) does not match ${data.length} values`, file);
  return (function* () {
    yield encodeNpyHeader(dtype, shape);
    yield* dataChunks(data, dtype, file);
  })();
}
