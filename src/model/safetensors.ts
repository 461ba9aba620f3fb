/**
 * safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`
 * and the raw little-endian tensors. facecluster writes F32 and records a SHA-256 of the data in
 * the metadata (`sha256`), checked on load so a damaged file is refused, never half-loaded.
 */
// @noble/hashes: an audited SHA-256 that runs the same in Node and in a browser (WebCrypto's is async only)
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fail } from '../errors.js';
import { halfToFloat } from '../io/npy.js';
import type { Params } from './params.js';

const SIZES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

export function encodeSafetensors(tensors: Params, metadata: Record<string, string> = {}): Uint8Array[] {
  const header: Record<string, unknown> = {};
  let offset = 0;
  const parts: Uint8Array[] = [];
  const hash = sha256.create();
  for (const [name, t] of tensors) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    parts.push(bytes);
    hash.update(bytes);
  }
  header.__metadata__ = { ...metadata, sha256: bytesToHex(hash.digest()) };
  let json = JSON.stringify(header);
  json = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
  const text = new TextEncoder().encode(json);
  const head = new Uint8Array(8 + text.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(text.length), true);
  head.set(text, 8);
  return [head, ...parts];
}

export function decodeSafetensors(buf: Uint8Array, file?: string): { tensors: Params; metadata: Record<string, string> } {
  if (buf.length < 8) fail('BAD_FILE', 'not a safetensors file (shorter than its 8-byte header length)', file);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = Number(dv.getBigUint64(0, true));
  if (len > buf.length - 8) fail('BAD_FILE', `truncated safetensors header (${len} bytes announced, ${buf.length - 8} present)`, file);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + len)));
  } catch {
    fail('BAD_FILE', 'safetensors header is not valid JSON', file);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('BAD_FILE', 'safetensors header is not a JSON object', file);
  const data = buf.subarray(8 + len);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: Params = new Map();
  const hash = sha256.create();
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__')
    .map(([name, v]) => [name, v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown }] as const)
    .sort((a, b) => ((a[1].data_offsets as number[])?.[0] ?? 0) - ((b[1].data_offsets as number[])?.[0] ?? 0));
  for (const [name, e] of entries) {
    const dtype = String(e.dtype);
    const shape = e.shape, offs = e.data_offsets;
    if (!(dtype in SIZES)) fail('UNSUPPORTED', `tensor ${name} has dtype ${dtype} (supported: F32, F64, F16, BF16)`, file);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('BAD_FILE', `tensor ${name} has a malformed shape`, file);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('BAD_FILE', `tensor ${name} has malformed data_offsets`, file);
    const [begin, end] = offs as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * SIZES[dtype]!) fail('BAD_FILE', `tensor ${name}: ${end - begin} bytes for shape [${shape.join(', ')}] of ${dtype}`, file);
    if (end > data.length) fail('BAD_FILE', `truncated: tensor ${name} ends at byte ${end} of ${data.length}`, file);
    const bytes = data.subarray(begin, end);
    hash.update(bytes);
    tensors.set(name, { shape: shape as number[], data: toFloat32(bytes, dtype) });
  }
  if (metadata.sha256 !== undefined && metadata.sha256 !== bytesToHex(hash.digest())) fail('BAD_FILE', 'checksum mismatch: the file is damaged', file);
  return { tensors, metadata };
}

function toFloat32(bytes: Uint8Array, dtype: string): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / SIZES[dtype]!;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (dtype === 'F32') out[i] = dv.getFloat32(4 * i, true);
    else if (dtype === 'F64') out[i] = dv.getFloat64(8 * i, true);
    else if (dtype === 'BF16') out[i] = new Float32Array(new Uint32Array([dv.getUint16(2 * i, true) << 16]).buffer)[0]!;
    else out[i] = halfToFloat(dv.getUint16(2 * i, true));
  }
  return out;
}
