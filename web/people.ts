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
