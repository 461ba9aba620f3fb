/**
 * The validation collections of `npm run bench:library`, built from training identities only
 * (lfw-train's photos, lfw-train-aligned's crops) and from synthetic 128-d and 512-d people:
 * each shape a photo library has (src/synthetic/collections.ts), and each again with 2 %
 * strays and with 10 % duplicates.
 */
import { readFeatures, readLabels } from '../src/io/index.js';
import { album, manyFacesEach, realPeople, strangers, syntheticPeople, withDuplicates, withStrays, type LabelledFaces, type PeopleSource } from '../src/synthetic/collections.js';
import { syntheticFaces } from '../src/synthetic/index.js';

export const DATA = new URL('../../data/', import.meta.url).pathname;
export const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;

export interface LibrarySet extends LabelledFaces {
  source: string;
  shape: string;
  /** 'base', 'strays' or 'duplicates'. */
  variant: string;
}

/** A labelled split: `path`.feats.npy and `path`.labels.npy. */
export function split(path: string): LabelledFaces {
  return { features: readFeatures(`${path}.feats.npy`), labels: readLabels(`${path}.labels.npy`) };
}

export function librarySets(options: { albums?: number; quick?: boolean } = {}): LibrarySet[] {
  const albums = options.albums ?? 10;
  const sources: { name: string; people: PeopleSource; longTail: () => LabelledFaces }[] = [];
  const photos = split(`${SHARED}lfw-train`), crops = split(`${DATA}lfw-train-aligned`);
  sources.push({ name: 'lfw-train photos', people: realPeople(photos), longTail: () => photos });
  sources.push({ name: 'lfw-train crops', people: realPeople(crops), longTail: () => crops });
  for (const dim of [128, 512]) {
    sources.push({
      name: `synthetic ${dim}-d`,
      people: syntheticPeople({ dim, people: 3000, seed: dim }),
      longTail: () => syntheticFaces({ n: 5000, dim, seed: dim + 1 }),
    });
  }
  const out: LibrarySet[] = [];
  for (const s of sources) {
    const shapes: [string, LabelledFaces][] = [
      ['people with 100–900 faces', manyFacesEach(s.people, { people: 24, min: 100, max: 900, seed: 1 })],
      ['strangers', strangers(s.people, { n: Math.min(2000, s.people.people), seed: 2 })],
      ['long tail', s.longTail()],
    ];
    for (let a = 0; a < albums; a++) shapes.push([`album ${a + 1}`, album(s.people, { minFaces: 10, maxFaces: 50, seed: 100 + a, minReal: 4 })]);
    for (const [shape, c] of shapes) {
      out.push({ source: s.name, shape, variant: 'base', ...c });
      if (options.quick) continue;
      out.push({ source: s.name, shape, variant: 'strays', ...withStrays(c, 0.02, 7) });
      out.push({ source: s.name, shape, variant: 'duplicates', ...withDuplicates(c, 0.1, 8) });
    }
  }
  return out;
}
