/**
 * The page's people: which person each face is, kept stable while the user works. Person ids
 * outlive a new clustering (so names and moves stay on the people they were given to), and the
 * user's moves sit on top of whatever the clustering says. Pure functions, tested in Node.
 */
import { relabelByFirstMember } from '../src/labels.js';

/**
 * Person ids for a new clustering: each new cluster takes the id of the previous person it
 * shares most faces with (largest overlaps first, each id once); the others get fresh ids from
 * `nextId`. `previous` may be shorter than `labels` (faces added since).
 */
export function carryPeople(previous: readonly number[], labels: Int32Array, nextId: number): { personOf: number[]; nextId: number } {
  const overlaps = new Map<string, number>();
  for (let i = 0; i < Math.min(previous.length, labels.length); i++) {
    const key = `${labels[i]}:${previous[i]}`;
    overlaps.set(key, (overlaps.get(key) ?? 0) + 1);
  }
  const ranked = [...overlaps].map(([key, count]) => {
    const [cluster, person] = key.split(':').map(Number) as [number, number];
    return { cluster, person, count };
  }).sort((a, b) => b.count - a.count || a.cluster - b.cluster || a.person - b.person);
  const idOf = new Map<number, number>();
  const taken = new Set<number>();
  for (const { cluster, person } of ranked) {
    if (idOf.has(cluster) || taken.has(person)) continue;
    idOf.set(cluster, person);
    taken.add(person);
  }
  const personOf = Array.from(labels, (cluster) => {
    let id = idOf.get(cluster);
    if (id === undefined) { id = nextId++; idOf.set(cluster, id); }
    return id;
  });
  return { personOf, nextId };
}

/** The clustering's people with the user's moves (face → person) on top. */
export function withMoves(personOf: readonly number[], moves: ReadonlyMap<number, number>): number[] {
  return personOf.map((person, face) => moves.get(face) ?? person);
}

/** Each person's faces, the people largest first (ties: lowest face first). */
export function groupPeople(personOf: readonly number[]): { person: number; faces: number[] }[] {
  const groups = new Map<number, number[]>();
  personOf.forEach((person, face) => {
    const faces = groups.get(person);
    if (faces) faces.push(face);
    else groups.set(person, [face]);
  });
  return [...groups].map(([person, faces]) => ({ person, faces })).sort((a, b) => b.faces.length - a.faces.length || a.faces[0]! - b.faces[0]!);
}

/** Labels as the CLI writes them: 0, 1, … by each person's first face. */
export function exportLabels(personOf: readonly number[]): Int32Array {
  return relabelByFirstMember(personOf);
}

/** The faces' descriptors as one row-major table (what clustering and the features export take). */
export function packDescriptors(descriptors: readonly Float32Array[], fallbackDim = 128): { data: Float32Array; dim: number } {
  const dim = descriptors[0]?.length ?? fallbackDim;
  const data = new Float32Array(descriptors.length * dim);
  descriptors.forEach((d, i) => {
    data.set(d, i * dim);
  });
  return { data, dim };
}

/** The user's answers so far: pairs of faces that are one person, or not. */
export interface Answers {
  mustLink: [number, number][];
  cannotLink: [number, number][];
}

/**
 * The user's word on two faces, kept as a constraint; it wins over the user's earlier moves of
 * the two faces only where those say otherwise (the faces as they stand, `personOf`, disagree).
 */
export function recordAnswer(answers: Answers, moves: ReadonlyMap<number, number>, personOf: readonly number[], pair: [number, number], same: boolean):
  { answers: Answers; moves: Map<number, number> } {
  const kept = new Map(moves);
  if ((personOf[pair[0]] === personOf[pair[1]]) !== same) {
    kept.delete(pair[0]);
    kept.delete(pair[1]);
  }
  return {
    answers: same ? { mustLink: [...answers.mustLink, pair], cannotLink: [...answers.cannotLink] } : { mustLink: [...answers.mustLink],
      cannotLink: [...answers.cannotLink, pair] },
    moves: kept,
  };
}
