/**
 * PyTorch checkpoints (torch.save) without Python, in both layouts torch has written:
 * - the zip format (torch ≥ 1.6): `<name>/data.pkl` plus one raw little-endian entry
 *   `<name>/data/<key>` per storage;
 * - the legacy format (torch ≤ 1.5, and `_use_new_zipfile_serialization=False`; the seed's
 *   best.ckpt was written so by torch 0.4): pickles of a magic number, the protocol version and
 *   system info, then the object, the list of storage keys, and each storage as an int64 count
 *   followed by its bytes.
 * Tensors come back as float32 values in row-major order, whatever their dtype and strides.
 */
import { fail } from '../errors.js';
import { halfToFloat } from './npy.js';
import { isGlobal, unpickle, type PyGlobal, type PyValue } from './pickle.js';
import { unzipEntries } from './zip.js';

export interface TorchTensor {
  kind: 'tensor';
  dtype: string;
  shape: number[];
  data: Float32Array;
}

const STORAGE_TYPES: Record<string, [string, number]> = {
  FloatStorage: ['float32', 4], DoubleStorage: ['float64', 8], HalfStorage: ['float16', 2], BFloat16Storage: ['bfloat16', 2],
  LongStorage: ['int64', 8], IntStorage: ['int32', 4], ShortStorage: ['int16', 2], CharStorage: ['int8', 1],
  ByteStorage: ['uint8', 1], BoolStorage: ['bool', 1],
};

/** A storage a tensor reads: its root's key, element type and size, and (legacy views) an offset into it. */
interface StorageRef { key: string; dtype: string; size: number; rootNumel: number; offset: number }
interface PendingTensor { kind: 'pending'; storage: StorageRef; offset: number; shape: number[]; stride: number[] }

function isStorage(x: unknown): x is StorageRef {
  return typeof x === 'object' && x !== null && typeof (x as StorageRef).key === 'string' && typeof (x as StorageRef).size === 'number';
}

export function isTensor(x: unknown): x is TorchTensor {
  return typeof x === 'object' && x !== null && (x as TorchTensor).kind === 'tensor';
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** The checkpoint's object, with every tensor as a TorchTensor and dicts as Maps. */
export function decodeTorchCheckpoint(buf: Uint8Array, file?: string): PyValue {
  if (ZIP_MAGIC.every((b, i) => buf[i] === b)) return decodeZip(buf, file);
  if (buf[0] === 0x80) return decodeLegacy(buf, file);
  fail('BAD_FILE', 'not a PyTorch checkpoint (neither a zip archive nor a pickle)', file);
}

function storageRef(pid: PyValue, file?: string): StorageRef {
  const t = pid as unknown[];
  if (!Array.isArray(t) || t[0] !== 'storage' || t.length < 5) fail('BAD_FILE', 'unexpected persistent id (not a storage)', file);
  const type = t[1] as PyGlobal;
  const known = type?.kind === 'global' ? STORAGE_TYPES[type.name] : undefined;
  if (!known) fail('UNSUPPORTED', `storage type ${type?.module}.${type?.name} is not supported`, file);
  const numel = t[4];
  if (typeof t[2] !== 'string' || !Number.isSafeInteger(numel) || (numel as number) < 0) fail('BAD_FILE', 'malformed storage record', file);
  // legacy view_metadata: (view_key, offset, size) — a view into the root storage
  const view = t[5] as unknown[] | null | undefined;
  const offset = Array.isArray(view) && Number.isSafeInteger(view[1]) ? (view[1] as number) : 0;
  return { key: t[2], dtype: known[0], size: known[1], rootNumel: numel as number, offset };
}

function reduceTensor(callable: PyGlobal, args: PyValue[], file?: string): PyValue | undefined {
  if (isGlobal(callable, 'collections', 'OrderedDict')) return new Map();
  if (callable.module === 'torch._utils' && (callable.name === '_rebuild_tensor_v2' || callable.name === '_rebuild_tensor')) {
    const [storage, offset, shape, stride] = args as [unknown, number, number[], number[]];
    if (!isStorage(storage)) fail('BAD_FILE', 'a tensor without a storage', file);
    const dims = (x: unknown) => Array.isArray(x) && x.every((d) => Number.isSafeInteger(d) && d >= 0);
    if (!Number.isSafeInteger(offset) || !dims(shape) || !dims(stride) || shape.length !== stride.length) fail('BAD_FILE', 'a tensor with a malformed size or stride', file);
    return { kind: 'pending', storage, offset, shape: [...shape], stride: [...stride] } satisfies PendingTensor;
  }
  return undefined;
}

/** Deepest nesting of containers read: a state dict nests a few levels; a crafted pickle could nest until the stack overflows. */
const MAX_DEPTH = 1000;

/** Replaces every pending tensor in `v` (dicts, lists, tuples, objects) by its values. */
function materialise(v: PyValue, storages: (key: string) => Uint8Array, littleEndian: boolean, file?: string): PyValue {
  const seen = new Map<unknown, unknown>();
  let depth = 0;
  const walk = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    if (seen.has(x)) return seen.get(x);
    if (++depth > MAX_DEPTH) fail('BAD_FILE', `containers nested more than ${MAX_DEPTH} deep: not a checkpoint`, file);
    try {
      return walkContainer(x);
    } finally {
      depth--;
    }
  };
  const walkContainer = (x: object): unknown => {
    if ((x as PendingTensor).kind === 'pending') {
      const t = readTensor(x as PendingTensor, storages, littleEndian, file);
      seen.set(x, t);
      return t;
    }
    if (x instanceof Map) {
      const m = new Map();
      seen.set(x, m);
      for (const [k, val] of x) m.set(k, walk(val));
      return m;
    }
    if (Array.isArray(x)) {
      const a: unknown[] = [];
      seen.set(x, a);
      for (const e of x) a.push(walk(e));
      return a;
    }
    if ((x as { kind?: string }).kind === 'object') {
      const o = x as { args: unknown[]; state?: unknown };
      const copy = { ...o };
      seen.set(x, copy);
      copy.args = o.args.map(walk) as unknown[];
      if (o.state !== undefined) copy.state = walk(o.state);
      return copy;
    }
    return x;
  };
  return walk(v);
}

function readTensor(p: PendingTensor, storages: (key: string) => Uint8Array, le: boolean, file?: string): TorchTensor {
  const { storage, shape, stride } = p;
  const bytes = storages(storage.key);
  const base = storage.offset + p.offset;
  const available = bytes.length / storage.size;
  const numel = shape.reduce((a, b) => a * b, 1);
  // more values than the storage holds would be a broadcast view; refusing it bounds the allocation by the file
  if (numel > available) fail('BAD_FILE', `a tensor of ${numel} elements over a storage of ${available}`, file);
  if (numel > 0) {
    const last = base + shape.reduce((a, d, i) => a + (d - 1) * stride[i]!, 0);
    if (base < 0 || last >= available) fail('BAD_FILE', `a tensor reaches element ${last} of a storage of ${available}`, file);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const get = elementGetter(storage.dtype, dv, le);
  const data = new Float32Array(numel);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < numel; i++) {
    let at = base;
    for (let d = 0; d < shape.length; d++) at += index[d]! * stride[d]!;
    data[i] = get(at);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return { kind: 'tensor', dtype: storage.dtype, shape, data };
}

function elementGetter(dtype: string, dv: DataView, le: boolean): (i: number) => number {
  switch (dtype) {
    case 'float32': return (i) => dv.getFloat32(4 * i, le);
    case 'float64': return (i) => dv.getFloat64(8 * i, le);
    case 'float16': return (i) => halfToFloat(dv.getUint16(2 * i, le));
    case 'bfloat16': return (i) => new Float32Array(Uint32Array.of(dv.getUint16(2 * i, le) << 16).buffer)[0]!;
    case 'int64': return (i) => Number(dv.getBigInt64(8 * i, le));
    case 'int32': return (i) => dv.getInt32(4 * i, le);
    case 'int16': return (i) => dv.getInt16(2 * i, le);
    case 'int8': return (i) => dv.getInt8(i);
    default: return (i) => dv.getUint8(i);
  }
}

function decodeZip(buf: Uint8Array, file?: string): PyValue {
  const entries = unzipEntries(buf, () => true, file);
  const pkl = Object.keys(entries).find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) fail('BAD_FILE', 'zip archive without a data.pkl: not a torch.save checkpoint', file);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const order = entries[`${prefix}byteorder`];
  const littleEndian = order === undefined || new TextDecoder().decode(order).trim() !== 'big';
  const { value } = unpickle(entries[pkl]!, 0, {
    file,
    persistentLoad: (pid) => storageRef(pid, file),
    reduce: (c, a) => reduceTensor(c, a, file),
  });
  return materialise(value, (key) => {
    const b = entries[`${prefix}data/${key}`];
    if (!b) fail('BAD_FILE', `storage ${key} is missing from the archive`, file);
    return b.slice(); // aligned copy for DataView reads of any width
  }, littleEndian, file);
}

function decodeLegacy(buf: Uint8Array, file?: string): PyValue {
  const plain = (start: number) => unpickle(buf, start, { file });
  const magic = plain(0);
  if (magic.value !== LEGACY_MAGIC) fail('BAD_FILE', 'a pickle, but not a PyTorch checkpoint (no magic number)', file);
  const version = plain(magic.end);
  if (version.value !== 1001) fail('UNSUPPORTED', `legacy checkpoint protocol ${String(version.value)} (expected 1001)`, file);
  const sysInfo = plain(version.end);
  const littleEndian = !(sysInfo.value instanceof Map) || sysInfo.value.get('little_endian') !== false;
  const refs = new Map<string, StorageRef>();
  const main = unpickle(buf, sysInfo.end, {
    file,
    persistentLoad: (pid) => {
      const r = storageRef(pid, file);
      refs.set(r.key, r);
      return r;
    },
    reduce: (c, a) => reduceTensor(c, a, file),
  });
  const keys = plain(main.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) fail('BAD_FILE', 'legacy checkpoint without its list of storages', file);
  const data = new Map<string, Uint8Array>();
  let pos = keys.end;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (const key of keys.value as string[]) {
    const ref = refs.get(key);
    if (!ref) fail('BAD_FILE', `storage ${key} is listed but never used`, file);
    if (pos + 8 > buf.length) fail('BAD_FILE', `truncated before storage ${key}`, file);
    const count = Number(dv.getBigInt64(pos, littleEndian));
    if (count !== ref.rootNumel) fail('BAD_FILE', `storage ${key} holds ${count} elements, its tensors say ${ref.rootNumel}`, file);
    const bytes = count * ref.size;
    if (pos + 8 + bytes > buf.length) fail('BAD_FILE', `truncated: storage ${key} needs ${bytes} bytes`, file);
    data.set(key, buf.slice(pos + 8, pos + 8 + bytes));
    pos += 8 + bytes;
  }
  return materialise(main.value, (key) => data.get(key) ?? fail('BAD_FILE', `storage ${key} has no data`, file), littleEndian, file);
}
