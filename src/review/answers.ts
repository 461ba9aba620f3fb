/**
 * A user's answers to review questions, applied to the clustering they were asked of, and kept
 * as constraints that later clusterings respect:
 * - "same" yes merges the two clusters (must-link between the faces shown), no keeps them apart
 *   (cannot-link);
 * - "belongs" yes keeps the face where it is (must-link with the face shown for its cluster), no
 *   takes it out (cannot-link) with the rest of its part to the cluster it fits next, or alone.
 */
import { mustLinkGroups, UnionFind, type Constraints, type FacePair } from '../cluster/index.js';
import { relabelByFirstMember } from '../labels.js';
import { fail } from '../errors.js';
import { parseJson } from '../io/json.js';
import type { Question } from './questions.js';

export interface Answer {
  id: number;
  answer: 'yes' | 'no';
}

export interface AppliedAnswers {
  labels: Int32Array;
  /** The answers as pairs of faces (see cluster/constraints.ts). */
  constraints: Required<Constraints>;
  /** Clusters merged away, and faces taken out of their cluster (with their parts). */
  merged: number;
  moved: number;
}

const isRow = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isCluster = (v: unknown): v is number => Number.isInteger(v);

/** `{"questions": [...]}` as review writes it, each question's fields checked. */
export function parseQuestions(text: string, path: string): Question[] {
  const v = parseJson(text, path) as { questions?: unknown };
  if (typeof v !== 'object' || v === null || !Array.isArray(v.questions)) fail('BAD_FILE', 'expected {"questions": [...]}', path);
  const ids = new Set<number>();
  return v.questions.map((q: unknown, i: number): Question => {
    const o = q as Record<string, unknown>;
    const bad = (what: string): never => fail('BAD_FILE', `question ${i}: ${what}`, path);
    if (typeof o !== 'object' || o === null) bad('not an object');
    if (!isRow(o.id)) bad('"id" must be a whole number ≥ 0');
    if (ids.has(o.id as number)) bad(`id ${o.id} is used twice`);
    ids.add(o.id as number);
    const faces = o.faces;
    if (!(Array.isArray(faces) && faces.length === 2 && faces.every(isRow))) bad('"faces" must be two face rows');
    const score = typeof o.score === 'number' ? o.score : 0;
    const pair = faces as [number, number];
    if (o.kind === 'same') {
      if (!isCluster(o.a) || !isCluster(o.b)) bad('"a" and "b" must be cluster ids');
      return { id: o.id as number, kind: 'same', a: o.a as number, b: o.b as number, faces: pair, score };
    }
    if (o.kind === 'belongs') {
      if (!isRow(o.face) || !isCluster(o.cluster)) bad('"face" must be a face row and "cluster" a cluster id');
      const next = o.next === undefined ? -1 : o.next;
      if (!isCluster(next)) bad('"next" must be a cluster id or −1');
      const part = o.part === undefined ? [o.face] : o.part;
      if (!(Array.isArray(part) && part.every(isRow) && part.includes(o.face as number))) bad('"part" must be face rows, the question\'s face among them');
      return { id: o.id as number, kind: 'belongs', face: o.face as number, cluster: o.cluster as number, faces: pair, part: [...new Set(part as number[])],
        next: next as number, score };
    }
    return bad(`"kind" must be "same" or "belongs", not ${JSON.stringify(o.kind)}`);
  });
}

/** `[{"id": 0, "answer": "yes"}, …]`. */
export function parseAnswers(text: string, path: string): Answer[] {
  const v = parseJson(text, path);
  if (!Array.isArray(v)) fail('BAD_FILE', 'expected [{"id": …, "answer": "yes" or "no"}, …]', path);
  const seen = new Set<number>();
  return v.map((a: unknown, i: number) => {
    const o = a as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || !isRow(o.id)) fail('BAD_FILE', `answer ${i}: "id" must be a question's id`, path);
    if (o.answer !== 'yes' && o.answer !== 'no') fail('BAD_FILE', `answer ${i} (question ${o.id}): the answer must be "yes" or "no", not ${JSON.stringify(o.answer)}`, path);
    if (seen.has(o.id as number)) fail('BAD_FILE', `question ${o.id} is answered twice`, path);
    seen.add(o.id as number);
    return { id: o.id as number, answer: o.answer };
  });
}

/**
 * The clustering `labels` with `answers` to `questions` (asked of this clustering) applied,
 * labelled 0, 1, … by first face.
 */
export function applyAnswers(labels: Int32Array, questions: readonly Question[], answers: readonly Answer[]): AppliedAnswers {
  const n = labels.length;
  const byId = new Map(questions.map((q) => [q.id, q]));
  // clusters as numbered here, 0..m−1, and the caller's ids of them
  const cluster = relabelByFirstMember(labels);
  const dense = new Map<number, number>();
  labels.forEach((l, i) => { dense.set(l, cluster[i]!); });
  const clusterOf = (id: number, q: Question): number => dense.get(id) ?? fail('BAD_VALUE', `question ${q.id} names cluster ${id}, which is not in the clustering: were the questions asked of another one?`);
  const face = (i: number, q: Question) => {
    if (i >= n) fail('BAD_VALUE', `question ${q.id} names face ${i}, but there are ${n} faces`);
    return i;
  };
  const inCluster = (i: number, c: number, id: number, q: Question) => {
    if (cluster[face(i, q)] !== c) fail('BAD_VALUE', `question ${q.id}: face ${i} is not in cluster ${id}: were the questions asked of another clustering?`);
  };

  const must: FacePair[] = [], cannot: FacePair[] = [];
  let m = 0;
  for (const c of cluster) m = Math.max(m, c + 1);
  const merges = new UnionFind(m);
  const moves: { part: readonly number[]; face: number; shown: number; from: number; to: number }[] = [];
  for (const a of answers) {
    const q = byId.get(a.id) ?? fail('BAD_VALUE', `answer to question ${a.id}, which is not among the questions`);
    const yes = a.answer === 'yes';
    (yes ? must : cannot).push([face(q.faces[0], q), face(q.faces[1], q)]);
    if (q.kind === 'same') {
      const ca = clusterOf(q.a, q), cb = clusterOf(q.b, q);
      inCluster(q.faces[0], ca, q.a, q);
      inCluster(q.faces[1], cb, q.b, q);
      if (yes) merges.union(ca, cb);
    } else {
      const c = clusterOf(q.cluster, q);
      inCluster(q.face, c, q.cluster, q);
      inCluster(q.faces[1], c, q.cluster, q);
      for (const i of q.part) inCluster(i, c, q.cluster, q);
      if (q.part.includes(q.faces[1])) fail('BAD_VALUE', `question ${q.id}: the part to take out holds face ${q.faces[1]}, the face shown for cluster ${q.cluster}`);
      if (!yes) moves.push({ part: q.part, face: q.face, shown: q.faces[1], from: c, to: q.next >= 0 ? clusterOf(q.next, q) : -1 });
    }
  }
  const constraints = { mustLink: must, cannotLink: cannot };
  const together = mustLinkGroups(n, constraints);

  // merges first; then each part said not to belong goes where it fits next, unless that is
  // where it already is after the merges (then on its own). Larger parts first: a face that a
  // larger part has taken out already stays with it, and a part leaves behind the faces that an
  // earlier move took elsewhere or that a "yes" keeps with the cluster's face
  const key = Int32Array.from(cluster, (c) => merges.find(c));
  let alone = m;
  moves.sort((x, y) => y.part.length - x.part.length);
  let movedFaces = 0;
  for (const { part, face, shown, from, to } of moves) {
    const there = key[shown]!;
    if (key[face] !== there) continue;
    const where = to >= 0 && merges.find(to) !== merges.find(from) ? merges.find(to) : alone++;
    for (const i of part) {
      if (key[i] !== there || (i !== face && together.find(i) === together.find(shown))) continue;
      key[i] = where;
      movedFaces++;
    }
  }
  const out = relabelByFirstMember(key);
  for (const [a, b] of must) if (out[a] !== out[b]) fail('BAD_VALUE', `the answers disagree: faces ${a} and ${b} are one person by one answer and apart by the others`);
  for (const [a, b] of cannot) if (out[a] === out[b]) fail('BAD_VALUE', `the answers disagree: faces ${a} and ${b} are different people by one answer and one person by the others`);
  let roots = 0;
  for (let c = 0; c < m; c++) if (merges.find(c) === c) roots++;
  return { labels: out, constraints, merged: m - roots, moved: movedFaces };
}
