/**
 * Faces as a photo server keeps them — an id, an embedding (a float array) and the photo it
 * was found in — to person ids, in one call: clusterFaces with faces of one photo kept apart.
 */
import { fail } from '../errors.js';
import { photoIds } from '../io/faces.js';
import { clusterFaces, type ClusterOptions } from './cluster.js';

export interface FaceEmbedding<Id = string | number> {
  id: Id;
  embedding: ArrayLike<number>;
  /** The photo (asset) the face was found in: faces of one photo are never one person. */
  photo?: string | number | null;
}

/** groupFaces's own settings, beside the method's (whose photos and answers it fills in from the faces). */
export interface GroupSettings<Id = string | number> {
  /** People need at least this many faces; faces of smaller groups get person −1 (default 1). */
  minFaces?: number;
  /**
   * A user's answers by face id (see SharedClusterOptions.constraints): pairs that are one person,
   * pairs that are not. Pairs naming a face not given (deleted since) are left out.
   */
  constraints?: { mustLink?: readonly (readonly [Id, Id])[]; cannotLink?: readonly (readonly [Id, Id])[] };
}

/** A method's options (ClusterOptions) without what groupFaces fills in, and its own settings. */
export type GroupOptions<Id = string | number> = (ClusterOptions extends infer O ? O extends ClusterOptions
  ? Omit<O, 'photos' | 'source' | 'constraints'> : never : never) & GroupSettings<Id>;

export interface PersonOfFace<Id = string | number> {
  id: Id;
  /** 0, 1, … by first face, or −1 for a face in a group smaller than minFaces. */
  person: number;
}

export async function groupFaces<Id>(faces: readonly FaceEmbedding<Id>[], options: GroupOptions<Id> = {}): Promise<PersonOfFace<Id>[]> {
  if (faces.length === 0) return [];
  const dim = faces[0]!.embedding.length;
  const data = new Float32Array(faces.length * dim);
  faces.forEach((f, i) => {
    if (f.embedding.length !== dim) fail('SHAPE_MISMATCH', `face ${String(f.id)} has a ${f.embedding.length}-d embedding, the first has ${dim}`);
    for (let j = 0; j < dim; j++) {
      const x = f.embedding[j]!;
      if (!Number.isFinite(x)) fail('BAD_VALUE', `face ${String(f.id)}: embedding value ${j} is ${x}`);
      data[i * dim + j] = x;
    }
  });
  const photos = photoIds(faces.map((f) => f.photo));
  const { minFaces = 1, constraints, ...rest } = options;
  const row = new Map(faces.map((f, i) => [f.id, i]));
  const rows = (pairs: readonly (readonly [Id, Id])[] = []) => pairs.flatMap(([a, b]): [number, number][] => {
    const i = row.get(a), j = row.get(b);
    return i === undefined || j === undefined ? [] : [[i, j]];
  });
  const byRow = constraints ? { constraints: { mustLink: rows(constraints.mustLink), cannotLink: rows(constraints.cannotLink) } } : {};
  const { labels } = await clusterFaces({ n: faces.length, dim, data }, { ...rest, ...byRow, photos });
  const size = new Map<number, number>();
  for (const l of labels) size.set(l, (size.get(l) ?? 0) + 1);
  // renumber the people that stay, in order of their first face
  const person = new Map<number, number>();
  return faces.map((f, i) => {
    const l = labels[i]!;
    if (size.get(l)! < minFaces) return { id: f.id, person: -1 };
    let p = person.get(l);
    if (p === undefined) { p = person.size; person.set(l, p); }
    return { id: f.id, person: p };
  });
}
