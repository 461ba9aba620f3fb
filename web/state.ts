/**
 * The page's state and every change to it, apart from the DOM: the phase, the faces, the people
 * (people.ts), names, the selection, the questions and the photos waiting. Each change is a pure
 * function from a state to the next one, with the message for the worker where the change asks
 * for work; app.ts only draws states and sends messages. Tested in Node.
 */
import type { FaceRecord } from '../src/io/faces.js';
import type { Question } from '../src/review/questions.js';
import { carryPeople, groupPeople, packDescriptors, recordAnswer, withMoves, type Answers } from './people.js';

/**
 * Where the page is: loading its models, idle, working (finding faces or clustering), cancelling
 * (what the worker still sends for the batch is dropped), done, or failed.
 */
export type Phase = 'loading' | 'idle' | 'working' | 'cancelling' | 'done' | 'error';

/** A face as the state needs it: its record and descriptor (the page adds its thumbnail). */
export interface StateFace {
  record: FaceRecord;
  descriptor: Float32Array;
}

export interface PageState<F extends StateFace = StateFace, P = unknown> {
  readonly phase: Phase;
  readonly faces: readonly F[];
  /** The last clustering's person of each face clustered (faces found since come after). */
  readonly clustered: readonly number[];
  /** The user's moves: face → person. */
  readonly moves: ReadonlyMap<number, number>;
  /** The next person id not given yet. */
  readonly nextPerson: number;
  /** The user's answers (questions, "not the same person"): every clustering keeps them. */
  readonly answers: Answers;
  readonly questions: readonly Question[];
  /** Questions skipped, by their faces (questionKey). */
  readonly skipped: ReadonlySet<string>;
  readonly names: ReadonlyMap<number, string>;
  /** Faces selected, at most two, in the order picked. */
  readonly selected: readonly number[];
  /** Photos given while the page was busy or loading, for the next batch. */
  readonly queue: readonly P[];
}

/** What a change asks the worker to do: describe photos, or cluster the faces with the user's answers. */
export type WorkerRequest<P> =
  | { type: 'embed'; files: P[] }
  | { type: 'cluster'; descriptors: Float32Array; dim: number; images: string[]; constraints: Answers };

/** A change: the next state, and the request to send where there is one. */
export interface Step<F extends StateFace, P> {
  state: PageState<F, P>;
  request?: WorkerRequest<P>;
}

export function initialState<F extends StateFace, P>(): PageState<F, P> {
  return { phase: 'loading', faces: [], clustered: [], moves: new Map(), nextPerson: 0, answers: { mustLink: [], cannotLink: [] }, questions: [],
    skipped: new Set(), names: new Map(), selected: [], queue: [] };
}

/** Working on a batch or cancelling one: new work waits, answers are not taken. */
export const isBusy = (s: PageState<StateFace, unknown>) => s.phase === 'working' || s.phase === 'cancelling';

/** Each face's person: the clustering's, with the user's moves on top. */
export const peopleOf = (s: PageState<StateFace, unknown>): number[] => withMoves(s.clustered, s.moves);

/** A person's name: the user's, or "Person N" by its place among the people of two faces or more. */
const nameOf = (s: PageState<StateFace, unknown>, person: number, index: number) => s.names.get(person) ?? `Person ${index + 1}`;

export const questionKey = (q: Question) => `${q.faces[0]}-${q.faces[1]}`;

/** The questions not skipped, best first. */
export const openQuestions = (s: PageState<StateFace, unknown>) => s.questions.filter((q) => !s.skipped.has(questionKey(q)));

/** The models are loaded: photos given meanwhile start. */
export function loaded<F extends StateFace, P>(s: PageState<F, P>): Step<F, P> {
  return startBatch({ ...s, phase: 'idle' });
}

/** Photos given: queued, and started unless the page is loading or busy. */
export function photosGiven<F extends StateFace, P>(s: PageState<F, P>, photos: readonly P[]): Step<F, P> {
  return startBatch({ ...s, queue: [...s.queue, ...photos] });
}

function startBatch<F extends StateFace, P>(s: PageState<F, P>): Step<F, P> {
  if (s.queue.length === 0 || s.phase === 'loading' || s.phase === 'error' || isBusy(s)) return { state: s };
  return { state: { ...s, phase: 'working', queue: [] }, request: { type: 'embed', files: [...s.queue] } };
}

/** Faces found in a photo of the batch. */
export function facesFound<F extends StateFace, P>(s: PageState<F, P>, faces: readonly F[]): PageState<F, P> {
  return faces.length === 0 ? s : { ...s, faces: [...s.faces, ...faces] };
}

/** The faces clustered again, with the user's answers (after a batch, or an answer). */
export function clusterAgain<F extends StateFace, P>(s: PageState<F, P>): Step<F, P> {
  const { data, dim } = packDescriptors(s.faces.map((f) => f.descriptor));
  return { state: { ...s, phase: 'working' }, request: { type: 'cluster', descriptors: data, dim, images: s.faces.map((f) => f.record.image),
    constraints: { mustLink: s.answers.mustLink.slice(), cannotLink: s.answers.cannotLink.slice() } } };
}

/** A clustering came back: its clusters take the ids of the people they overlap most (names and moves stay on), then photos queued start. */
export function clustered<F extends StateFace, P>(s: PageState<F, P>, labels: Int32Array, questions: readonly Question[]): Step<F, P> {
  const carried = carryPeople(s.clustered, labels, s.nextPerson);
  return startBatch({ ...s, phase: 'done', clustered: carried.personOf, nextPerson: carried.nextId, questions: [...questions] });
}

/** Cancel asked: only a batch at work can be cancelled. */
export function cancelAsked<F extends StateFace, P>(s: PageState<F, P>): PageState<F, P> {
  return s.phase === 'working' ? { ...s, phase: 'cancelling' } : s;
}

/** The worker stopped: back to the people as they were; the batch's faces (returned, `dropped`) and the queue are dropped. */
export function cancelled<F extends StateFace, P>(s: PageState<F, P>): { state: PageState<F, P>; dropped: F[] } {
  return { state: { ...s, phase: s.clustered.length > 0 ? 'done' : 'idle', faces: s.faces.slice(0, s.clustered.length), queue: [] },
    dropped: s.faces.slice(s.clustered.length) };
}

export function failed<F extends StateFace, P>(s: PageState<F, P>): PageState<F, P> {
  return { ...s, phase: 'error' };
}

/** Selects or unselects a face; at most two stay selected (the last two picked). */
export function toggleFace<F extends StateFace, P>(s: PageState<F, P>, face: number): PageState<F, P> {
  const selected = s.selected.includes(face) ? s.selected.filter((x) => x !== face) : [...s.selected, face].slice(-2);
  return { ...s, selected };
}

export function clearSelection<F extends StateFace, P>(s: PageState<F, P>): PageState<F, P> {
  return { ...s, selected: [] };
}

/** The selected faces moved to a person (or a new one), the selection cleared. */
export function moveSelected<F extends StateFace, P>(s: PageState<F, P>, to: number | 'new'): PageState<F, P> {
  const target = to === 'new' ? s.nextPerson : to;
  const moves = new Map(s.moves);
  for (const face of s.selected) moves.set(face, target);
  return { ...s, moves, selected: [], nextPerson: to === 'new' ? s.nextPerson + 1 : s.nextPerson };
}

export function rename<F extends StateFace, P>(s: PageState<F, P>, person: number, name: string): PageState<F, P> {
  const trimmed = name.trim();
  const names = new Map(s.names);
  if (trimmed) names.set(person, trimmed);
  else names.delete(person);
  return { ...s, names };
}

/** The user's word on two faces: kept as an answer, and the faces clustered again with it (not while busy). */
export function answer<F extends StateFace, P>(s: PageState<F, P>, pair: [number, number], same: boolean): Step<F, P> {
  if (isBusy(s)) return { state: s };
  const { answers, moves } = recordAnswer(s.answers, s.moves, peopleOf(s), pair, same);
  return clusterAgain({ ...s, answers, moves });
}

/** "Not the same person" on the two faces selected. */
export function selectedApart<F extends StateFace, P>(s: PageState<F, P>): Step<F, P> {
  if (s.selected.length !== 2 || isBusy(s)) return { state: s };
  const [a, b] = s.selected as [number, number];
  return answer({ ...s, selected: [] }, [a, b], false);
}

/** A reply to the question shown (the best open one): yes and no are answers, skip sets it aside. */
export function replyToQuestion<F extends StateFace, P>(s: PageState<F, P>, reply: 'yes' | 'no' | 'skip'): Step<F, P> {
  const q = openQuestions(s)[0];
  if (!q || isBusy(s)) return { state: s };
  if (reply === 'skip') return { state: { ...s, skipped: new Set([...s.skipped, questionKey(q)]) } };
  return answer(s, [q.faces[0], q.faces[1]], reply === 'yes');
}

/** The people of two faces or more, largest first, with their names; the faces seen once. */
export function galleries(s: PageState<StateFace, unknown>): { people: { person: number; faces: number[]; name: string }[]; once: number[] } {
  const groups = groupPeople(peopleOf(s));
  return {
    people: groups.filter((g) => g.faces.length > 1).map((g, i) => ({ ...g, name: nameOf(s, g.person, i) })),
    once: groups.filter((g) => g.faces.length === 1).map((g) => g.faces[0]!),
  };
}
