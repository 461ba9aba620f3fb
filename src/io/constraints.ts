/**
 * The constraints file: a user's answers as pairs of faces that are one person and pairs that
 * are not, which `cluster`, `assign` and the page keep (see cluster/constraints.ts):
 *
 *   { "mustLink": [[A, B], …], "cannotLink": [[A, B], …] }
 *
 * A face is its row number, or `{ "image": path, "box": [x, y, w, h] }` as faces.json names it:
 * faces named by photo and box survive a new embed run (rows renumbered, photos added), and a
 * face no longer there (its photo deleted) is left out with a word, not an error.
 */
import type { Constraints, FacePair } from '../cluster/constraints.js';
import { fail } from '../errors.js';
import type { FaceRecord } from './faces.js';
import { parseJson } from './json.js';

export interface FaceKey {
  image: string;
  box?: number[];
}

export type FaceRef = number | FaceKey;

export interface ConstraintsFile {
  mustLink: [FaceRef, FaceRef][];
  cannotLink: [FaceRef, FaceRef][];
}

/** Boxes are the same face when every coordinate agrees within this many pixels (a re-run's rounding). */
const BOX_TOLERANCE = 0.5;

function checkRef(v: unknown, where: string, path: string): FaceRef {
  if (typeof v === 'number') {
    if (!(Number.isInteger(v) && v >= 0)) fail('BAD_FILE', `${where}: a face row must be a whole number ≥ 0, not ${v}`, path);
    return v;
  }
  if (typeof v === 'object' && v !== null && typeof (v as FaceKey).image === 'string') {
    const box = (v as FaceKey).box;
    if (box !== undefined && !(Array.isArray(box) && box.length === 4 && box.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
      fail('BAD_FILE', `${where}: "box" must be four numbers [x, y, w, h]`, path);
    }
    return box === undefined ? { image: (v as FaceKey).image } : { image: (v as FaceKey).image, box: box.slice() };
  }
  fail('BAD_FILE', `${where}: a face is a row number or {"image": …, "box": […]}`, path);
}

export function parseConstraints(text: string, path: string): ConstraintsFile {
  const v = parseJson(text, path);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('BAD_FILE', 'expected {"mustLink": [...], "cannotLink": [...]}', path);
  const out: ConstraintsFile = { mustLink: [], cannotLink: [] };
  for (const kind of ['mustLink', 'cannotLink'] as const) {
    const list = (v as Record<string, unknown>)[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail('BAD_FILE', `"${kind}" must be a list of pairs`, path);
    list.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) fail('BAD_FILE', `${kind}[${i}] must be a pair of faces`, path);
      out[kind].push([checkRef(pair[0], `${kind}[${i}]`, path), checkRef(pair[1], `${kind}[${i}]`, path)]);
    });
  }
  return out;
}

export function formatConstraints(file: ConstraintsFile): string {
  const pairs = (list: [FaceRef, FaceRef][]) => list.map((p) => `    ${JSON.stringify(p)}`).join(',\n');
  return `{\n  "mustLink": [\n${pairs(file.mustLink)}\n  ],\n  "cannotLink": [\n${pairs(file.cannotLink)}\n  ]\n}\n`;
}

const sameBox = (a: readonly number[] | undefined, b: readonly number[] | undefined) =>
  a === undefined || b === undefined || (a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= BOX_TOLERANCE));

/**
 * The file's pairs as face rows of a collection of `n` faces (`faces`: its faces.json, needed
 * for faces named by photo). Pairs with a face that is not there are left out and counted.
 */
export function resolveConstraints(file: ConstraintsFile, n: number, path: string,
  faces?: readonly FaceRecord[]): { constraints: Constraints; missing: number } {
  const byImage = new Map<string, number[]>();
  faces?.forEach((f, i) => {
    const rows = byImage.get(f.image);
    if (rows) rows.push(i);
    else byImage.set(f.image, [i]);
  });
  const rowOf = (ref: FaceRef): number | undefined => {
    if (typeof ref === 'number') {
      if (ref >= n) fail('BAD_VALUE', `face ${ref} is not one of the ${n} faces`, path);
      return ref;
    }
    if (!faces) fail('BAD_OPTION', `names faces by photo ("${ref.image}"): give the faces.json of these features too`, path);
    const rows = (byImage.get(ref.image) ?? []).filter((i) => sameBox(faces[i]!.box, ref.box));
    return rows.length === 1 ? rows[0] : undefined;
  };
  let missing = 0;
  const resolve = (list: [FaceRef, FaceRef][]) => list.flatMap(([a, b]): FacePair[] => {
    const i = rowOf(a), j = rowOf(b);
    if (i === undefined || j === undefined) { missing++; return []; }
    return [[i, j]];
  });
  return { constraints: { mustLink: resolve(file.mustLink), cannotLink: resolve(file.cannotLink) }, missing };
}

/** Face rows as the file names them: by photo and box where faces.json is known, else by row. */
export function constraintsFile(constraints: Constraints, faces?: readonly FaceRecord[]): ConstraintsFile {
  const ref = (i: number): FaceRef => {
    const f = faces?.[i];
    if (!f) return i;
    return f.box ? { image: f.image, box: f.box.slice() } : { image: f.image };
  };
  const pairs = (list: readonly FacePair[] = []) => list.map(([a, b]): [FaceRef, FaceRef] => [ref(a), ref(b)]);
  return { mustLink: pairs(constraints.mustLink), cannotLink: pairs(constraints.cannotLink) };
}

/** Two files' pairs together, each pair once (in either order). */
export function mergeConstraints(a: ConstraintsFile, b: ConstraintsFile): ConstraintsFile {
  const merge = (x: [FaceRef, FaceRef][], y: [FaceRef, FaceRef][]) => {
    const seen = new Set<string>();
    return [...x, ...y].filter((pair) => {
      const keys = pair.map((r) => JSON.stringify(r)).sort();
      const key = keys.join('|');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  return { mustLink: merge(a.mustLink, b.mustLink), cannotLink: merge(a.cannotLink, b.cannotLink) };
}
