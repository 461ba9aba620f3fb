/**
 * Property-based fuzzing of every reader facecluster has for users' files: random bytes and
 * mutations of valid files (flipped, overwritten, inserted and cut bytes) must either parse or
 * fail with a FaceclusterError naming the file — never another exception, a hang or an
 * unbounded allocation (a reader trusting a size field would try to allocate it and die).
 * `fuzzReaders(runs)` is shared by the test suite (a few hundred cases a reader) and
 * `npm run fuzz` (10,000 or more).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { FaceclusterError } from '../../src/errors.js';
import { decodeFeatures, decodeKnn, decodeLabels } from '../../src/io/codecs.js';
import { encodeNpyHeader } from '../../src/io/npy.js';
import { parseModelConfig } from '../../src/model/model.js';
import { initParams, type Architecture } from '../../src/model/params.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.js';
import { decodeTorchCheckpoint } from '../../src/io/torch.js';
import { paramsFromTorch } from '../../src/model/import-torch.js';
import { decodeCheckpoint } from '../../src/train/checkpoint.js';
import { FIXTURES } from '../helpers.js';
import { TRAIN_DEFAULTS, type TrainSettings } from '../../src/train/index.js';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function npy(dtype: Parameters<typeof encodeNpyHeader>[0], shape: number[], data: ArrayBufferView): Uint8Array {
  return concat([encodeNpyHeader(dtype, shape), new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]);
}

const TINY: Architecture = { dim: 3, widths: [4, 4, 4, 4], hidden: 4 };
const SETTINGS: TrainSettings = { ...TRAIN_DEFAULTS, epochs: 2 };

/** Valid files of each format: the starting points of the mutations. */
function seeds(): Record<string, Uint8Array> {
  const knn = BigInt64Array.from([0, 1, 2, 1, 0, 2, 2, 1, 0], (x) => BigInt(x));
  const l2c = Float32Array.of(0, 1, 2, 0, 0.1, 0.2, 1, 0, 2, 0, 0.1, 0.3, 2, 1, 0, 0, 0.2, 0.3);
  const params = initParams(TINY, 3);
  const velocity = new Map([...params].filter(([n]) => !n.includes('running')).map(([n, t]) => [n, t.data.map((x) => x / 2)]));
  const checkpointTensors = new Map(params);
  for (const [n, v] of velocity) checkpointTensors.set(`velocity.${n}`, { shape: params.get(n)!.shape, data: v });
  return {
    'features.npy': npy('f4', [3, 2], Float32Array.of(1, 0, 0.6, 0.8, 0, 1)),
    'features-f2.npy': npy('f2', [2, 2], Uint16Array.of(0x3c00, 0, 0, 0x3c00)),
    'features.bin': new Uint8Array(Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0).buffer),
    'labels.npy': npy('i8', [3], BigInt64Array.of(0n, 1n, 1n)),
    'labels.meta': new TextEncoder().encode('0\n1\n1\n'),
    'knn.npy': npy('i8', [3, 3], knn),
    'knn.npz': zipSync({ 'data.npy': [npy('f4', [3, 2, 3], l2c), { level: 6 }] }),
    'model.safetensors': concat(encodeSafetensors(params, { format: 'facecluster-lgcn' })),
    'config.json': new TextEncoder().encode(JSON.stringify({
      format: 'facecluster-lgcn', version: 1, architecture: TINY, normalize: 'l2',
      trainIps: { k1: 80, k2: 5, u: 5 }, ips: { k1: 80, k2: 5, u: 5 },
    })),
    'tiny-zip-wrapped.pt': readFileSync(join(FIXTURES, 'torch/tiny-zip-wrapped.pt')),
    'tiny-legacy-dataparallel.ckpt': readFileSync(join(FIXTURES, 'torch/tiny-legacy-dataparallel.ckpt')),
    'deep-legacy.ckpt': deepLegacyCheckpoint(100_000),
    'checkpoint.safetensors': concat(encodeSafetensors(checkpointTensors, { epoch: '1', settings: JSON.stringify(SETTINGS), history: '[]' })),
  };
}

/**
 * A legacy torch.save file (magic number, protocol 1001, sys info, then the main pickle and
 * its storage keys) whose main value is `depth` lists nested in one another.
 */
export function deepLegacyCheckpoint(depth: number): Uint8Array {
  const magic = [0x80, 2, 0x8a, 10, ...[0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19], 0x2e]; // LONG1 0x1950a86a20f9469cfc6c
  const version = [0x80, 2, 0x4d, 0xe9, 0x03, 0x2e]; // BININT2 1001
  const sysInfo = [0x80, 2, 0x7d, 0x2e]; // {}
  const main = new Uint8Array(2 + 2 * depth);
  main.set([0x80, 2]);
  main.fill(0x5d, 2, 2 + depth); // EMPTY_LIST × depth
  main.fill(0x61, 2 + depth, 1 + 2 * depth); // APPEND × (depth − 1): each list into the one below
  main[1 + 2 * depth] = 0x2e;
  const keys = [0x80, 2, 0x5d, 0x2e]; // []
  return concat([Uint8Array.from(magic), Uint8Array.from(version), Uint8Array.from(sysInfo), main, Uint8Array.from(keys)]);
}

/** Each reader under test, by the seed files it reads. */
export const READERS: Record<string, { seeds: string[]; read: (bytes: Uint8Array, file: string) => unknown; hostile?: string[] }> = {
  'npy features': { seeds: ['features.npy', 'features-f2.npy'], read: (b, f) => decodeFeatures(b, f) },
  'bin features': { seeds: ['features.bin'], read: (b, f) => decodeFeatures(b, f, { dim: 4 }) },
  'npy labels': { seeds: ['labels.npy'], read: (b, f) => decodeLabels(b, f) },
  'meta labels': { seeds: ['labels.meta'], read: (b, f) => decodeLabels(b, f) },
  'npy kNN': { seeds: ['knn.npy'], read: (b, f) => decodeKnn(b, f) },
  'npz kNN': { seeds: ['knn.npz'], read: (b, f) => decodeKnn(b, f) },
  safetensors: { seeds: ['model.safetensors'], read: (b, f) => decodeSafetensors(b, f) },
  'model config': { seeds: ['config.json'], read: (b, f) => parseModelConfig(new TextDecoder().decode(b), f) },
  checkpoint: { seeds: ['checkpoint.safetensors'], read: (b, f) => decodeCheckpoint(b, SETTINGS, f) },
  'torch checkpoint': { seeds: ['tiny-zip-wrapped.pt', 'tiny-legacy-dataparallel.ckpt', 'deep-legacy.ckpt'], read: (b, f) => paramsFromTorch(decodeTorchCheckpoint(b, f), f), hostile: ['deep-legacy.ckpt'] },
};

type Edit = { kind: 'flip' | 'set' | 'insert' | 'cut' | 'digits'; at: number; bytes: number[] };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('flip', 'set', 'insert', 'cut', 'digits'),
  at: fc.nat(),
  bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }),
});

function mutate(seed: Uint8Array, edits: Edit[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed); // a copy: Buffer.slice would be a view of the seed
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    if (e.kind === 'flip') e.bytes.forEach((x, i) => { if (at + i < b.length) b[at + i]! ^= x; });
    else if (e.kind === 'set') e.bytes.forEach((x, i) => { if (at + i < b.length) b[at + i] = x; });
    else if (e.kind === 'digits') e.bytes.forEach((x, i) => { if (at + i < b.length) b[at + i] = 0x30 + (x % 10); }); // numbers in headers
    else if (e.kind === 'insert') b = concat([b.subarray(0, at), Uint8Array.from(e.bytes), b.subarray(at)]);
    else b = b.slice(0, at);
  }
  return b;
}

export interface FuzzResult { reader: string; cases: number; parsed: number; refused: number }

/** Runs `runs` cases against every reader; throws (with fast-check's shrunk counterexample) on a crash. */
export function fuzzReaders(runs: number, seed = 42): FuzzResult[] {
  const files = seeds();
  const results: FuzzResult[] = [];
  for (const [name, reader] of Object.entries(READERS)) {
    let parsed = 0, refused = 0;
    const fileName = reader.seeds[0]!;
    const inputArb = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...reader.seeds), fc.array(editArb, { minLength: 1, maxLength: 4 })).map(([s,
        edits]) => mutate(files[s]!, edits)) },
    );
    fc.assert(fc.property(inputArb, (bytes) => {
      const t = performance.now();
      try {
        reader.read(bytes, fileName);
        parsed++;
      } catch (e) {
        if (!(e instanceof FaceclusterError)) throw new Error(`${name}: not a clean failure: ${(e as Error)?.stack ?? e}`);
        if (e.file !== fileName || !e.message.startsWith(`${fileName}: `)) throw new Error(`${name}: the message does not name the file: ${e.message}`);
        if (e.message.includes('\n')) throw new Error(`${name}: the message is not one line: ${e.message}`);
        refused++;
      }
      const ms = performance.now() - t;
      if (ms > 1000) throw new Error(`${name}: one case took ${ms.toFixed(0)} ms`);
    }), { numRuns: runs, seed });
    // the seeds themselves must parse, or the mutations test nothing; hostile seeds are refused
    for (const s of reader.seeds) {
      if (!reader.hostile?.includes(s)) reader.read(files[s]!, fileName);
      else assert.throws(() => reader.read(files[s]!, fileName), FaceclusterError, `${name}: ${s} must be refused`);
    }
    results.push({ reader: name, cases: runs, parsed, refused });
  }
  return results;
}
