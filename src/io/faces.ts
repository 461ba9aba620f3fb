/**
 * `faces.json`: one entry per row of the features, as `facecluster embed` writes it —
 * `{ "image": path, "box": [x, y, w, h], "landmarks": [[x, y], …], "score": s, "model": name }`.
 * Clustering reads only `image`: faces of one image are different people.
 */
import { fail } from '../errors.js';
import { parseJson } from './json.js';

export interface FaceRecord {
  image: string;
  box?: number[];
  landmarks?: number[][];
  score?: number;
  model?: string;
}

export function parseFaces(text: string, path: string): FaceRecord[] {
  const v = parseJson(text, path);
  if (!Array.isArray(v)) fail('BAD_FILE', 'expected an array with one entry per face', path);
  v.forEach((f, i) => {
    if (typeof f !== 'object' || f === null || typeof (f as FaceRecord).image !== 'string') fail('BAD_FILE', `entry ${i} has no "image" path`, path);
  });
  return v as FaceRecord[];
}

/**
 * A photo number per face from each face's photo key (faces.json's `image`, a photo server's
 * asset id): faces with the same key share a number; a missing key (undefined or null, as a
 * database or JSON gives it) is −1: unknown, never shared.
 */
export function photoIds(photos: readonly (string | number | undefined | null)[]): Int32Array {
  const ids = new Map<string | number, number>();
  return Int32Array.from(photos, (key) => {
    if (key === undefined || key === null) return -1;
    let id = ids.get(key);
    if (id === undefined) { id = ids.size; ids.set(key, id); }
    return id;
  });
}
