/**
 * `faces.json`: one entry per row of the features, as `facecluster embed` writes it —
 * `{ "image": path, "box": [x, y, w, h], "landmarks": [[x, y], …], "score": s, "model": name }`.
 * Clustering reads only `image`: faces of one image are different people.
 */
import { fail } from '../errors.js';
import { readFileAligned } from './read.js';

export interface FaceRecord {
  image: string;
  box?: number[];
  landmarks?: number[][];
  score?: number;
  model?: string;
}

export function readFaces(path: string): FaceRecord[] {
  return parseFaces(new TextDecoder().decode(readFileAligned(path)), path);
}

export function parseFaces(text: string, path: string): FaceRecord[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    fail('BAD_FILE', 'not valid JSON', path);
  }
  if (!Array.isArray(v)) fail('BAD_FILE', 'expected an array with one entry per face', path);
  v.forEach((f, i) => {
    if (typeof f !== 'object' || f === null || typeof (f as FaceRecord).image !== 'string') fail('BAD_FILE', `entry ${i} has no "image" path`, path);
  });
  return v as FaceRecord[];
}

/** A photo number per face: faces of the same image share one. */
export function photoIds(faces: FaceRecord[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(faces, (f) => {
    let id = ids.get(f.image);
    if (id === undefined) ids.set(f.image, (id = ids.size));
    return id;
  });
}
