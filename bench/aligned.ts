/**
 * The aligned-crops benchmark: `facecluster embed`'s describer over every crop of
 * ../shared/data/lfw-aligned (or one split of it), writing data/lfw-{split}-aligned.* in the
 * shared files' row order, then the descriptors' 1-NN identity accuracy and pair verification
 * beside those of the same photos' descriptors in lfw-{split} (the photo source). Crops run on
 * one worker thread per core, as `embed` runs them; a crop not described as exactly one face is
 * named, and its row left zero (the files are then not written).
 * `npm run bench:aligned [-- --split train|test] [--limit N] [--no-write]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { embedPhotos } from '../src/embed/parallel.node.js';
import { readFeatures, readLabels, writeFeatures, writeLabels } from '../src/io/index.js';
import { l2Normalize } from '../src/knn/index.js';
import { retrieval } from '../src/metrics/index.js';
import type { Features } from '../src/types.js';

const { values: flags } = parseArgs({ options: { split: { type: 'string' }, limit: { type: 'string' }, 'no-write': { type: 'boolean' } } });
const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
const DATA = new URL('../../data/', import.meta.url).pathname;
const rows = (f: Features, picked: number[]): Features => {
  const data = new Float32Array(picked.length * f.dim);
  picked.forEach((r, i) => { data.set(f.data.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim); });
  return { n: picked.length, dim: f.dim, data };
};
const fmt = (x: number) => x.toFixed(4);
for (const split of flags.split ? [flags.split] : ['train', 'test']) {
  const paths = readFileSync(`${SHARED}lfw-${split}-aligned.paths.txt`, 'utf8').trim().split('\n').slice(0, flags.limit ? Number(flags.limit) : undefined);
  const labels = readLabels(`${SHARED}lfw-${split}-aligned.labels.npy`).subarray(0, paths.length);
  const data = new Float32Array(paths.length * 128);
  const started = performance.now();
  const row = new Map(paths.map((p, i) => [p, i]));
  const missed: string[] = [];
  await embedPhotos(paths.map((p) => ({ path: `${SHARED}lfw-aligned/${p}`, image: p })), {
    onResult: (photo, result, done) => {
      if (result.faces?.length === 1) data.set(result.faces[0]!.descriptor, row.get(photo.image)! * 128);
      else missed.push(`${photo.image} (${result.error ?? `${result.faces?.length} faces`})`);
      if (done % 500 === 0) console.error(`${split}: ${done}/${paths.length}, ${((performance.now() - started) / done).toFixed(0)} ms a crop`);
    },
  });
  if (missed.length > 0) console.error(`${split}: ${missed.length} crops not described as one face: ${missed.join(', ')}`);
  // a crop not described keeps a zero row: l2Normalize would refuse it, so give it a unit one
  missed.forEach((m) => { data[row.get(m.split(' (')[0]!)! * 128] = 1; });
  const crops = l2Normalize({ n: paths.length, dim: 128, data });
  if (!flags['no-write'] && !flags.limit && missed.length === 0) {
    writeFeatures(`${DATA}lfw-${split}-aligned.feats.npy`, crops);
    writeLabels(`${DATA}lfw-${split}-aligned.labels.npy`, labels);
    writeFileSync(`${DATA}lfw-${split}-aligned.paths.txt`, `${paths.join('\n')}\n`);
  }
  // the same photos through the photo pipeline
  const photoPaths = readFileSync(`${SHARED}lfw-${split}.paths.txt`, 'utf8').trim().split('\n');
  const photoRow = new Map(photoPaths.map((p, i) => [p, i]));
  const both = paths.flatMap((p, i) => photoRow.has(p) ? [i] : []);
  const photos = readFeatures(`${SHARED}lfw-${split}.feats.npy`);
  const sameLabels = Int32Array.from(both, (i) => labels[i]!);
  const all = retrieval(crops, labels);
  const c = retrieval(rows(crops, both), sameLabels);
  const p = retrieval(rows(photos, both.map((i) => photoRow.get(paths[i]!)!)), sameLabels);
  console.log(JSON.stringify({
    split, crops: paths.length, missed: missed.length, msPerCrop: Math.round((performance.now() - started) / paths.length),
    all: { nn: fmt(all.nnAccuracy), verification: fmt(all.verification), queries: all.queries },
    samePhotos: { n: both.length, crops: { nn: fmt(c.nnAccuracy), verification: fmt(c.verification) }, photos: { nn: fmt(p.nnAccuracy),
      verification: fmt(p.verification) } },
  }));
}
