/**
 * Training data for a GCN that holds on both photo sources: lfw-train's photo descriptors and
 * lfw-train-aligned's crop descriptors (the same people) in one set, with a held-out fifth of
 * the identities (every identity whose number is 0 mod 5) kept apart for validation, per source.
 * Writes out/train-both/{train,val-photos,val-crops}.{feats,labels}.npy.
 * `npm run build && node dist/bench/split-train.js [--all]` (--all: no held-out identities)
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readFeatures, readLabels, writeFeatures, writeLabels } from '../src/io/index.js';
import type { Features } from '../src/types.js';

const { values: flags } = parseArgs({ options: { all: { type: 'boolean' } } });
const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
const DATA = new URL('../../data/', import.meta.url).pathname;
const OUT = new URL('../../out/train-both/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });
const held = (label: number) => !flags.all && label % 5 === 0;
const pick = (f: Features, l: Int32Array, keep: (label: number) => boolean) => {
  const rows = [...l.keys()].filter((i) => keep(l[i]!));
  const data = new Float32Array(rows.length * f.dim);
  rows.forEach((r, i) => data.set(f.data.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
  return { f: { n: rows.length, dim: f.dim, data }, l: Int32Array.from(rows, (r) => l[r]!) };
};
const photos = { f: readFeatures(`${SHARED}lfw-train.feats.npy`), l: readLabels(`${SHARED}lfw-train.labels.npy`) };
const crops = { f: readFeatures(`${DATA}lfw-train-aligned.feats.npy`), l: readLabels(`${DATA}lfw-train-aligned.labels.npy`) };
const a = pick(photos.f, photos.l, (x) => !held(x)), b = pick(crops.f, crops.l, (x) => !held(x));
const train = { n: a.f.n + b.f.n, dim: 128, data: new Float32Array((a.f.n + b.f.n) * 128) };
train.data.set(a.f.data);
train.data.set(b.f.data, a.f.data.length);
writeFeatures(`${OUT}train.feats.npy`, train);
writeLabels(`${OUT}train.labels.npy`, Int32Array.from([...a.l, ...b.l]));
if (!flags.all) {
  for (const [name, s] of [['val-photos', photos], ['val-crops', crops]] as const) {
    const v = pick(s.f, s.l, held);
    writeFeatures(`${OUT}${name}.feats.npy`, v.f);
    writeLabels(`${OUT}${name}.labels.npy`, v.l);
  }
}
console.log(`train: ${train.n} faces (${a.f.n} photos, ${b.f.n} crops)`);
