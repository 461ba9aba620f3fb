/**
 * The page: photos in, people out. The work runs in a Web Worker (worker.ts); this file keeps
 * the faces, the people (people.ts) and the user's edits, and draws them. Tools can read the
 * result: every face carries data-image (its photo's file name) and data-person (its person),
 * and <body data-state="done"> says a clustering has finished.
 */
import { encodeLabels, encodeNpy, IMAGE_EXTENSIONS, type FaceRecord, type Question } from 'facecluster/browser';
import type { FoundFace, FromWorker, ToWorker } from './messages.js';
import { carryPeople, exportLabels, groupPeople, packDescriptors, recordAnswer, withMoves, type Answers } from './people.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const bar = $<HTMLProgressElement>('bar'), status = $('status'), cancel = $<HTMLButtonElement>('cancel');
const people = $('people'), tools = $('tools'), moveTo = $<HTMLSelectElement>('move-to');

interface Face { record: FaceRecord; descriptor: Float32Array; thumb: string }
const faces: Face[] = [];
let clustered: number[] = []; // the clustering's person of each face
let moves = new Map<number, number>(); // the user's: face → person
/** The user's answers (questions, "not the same person"): every clustering keeps them. */
let constraints: Answers = { mustLink: [], cannotLink: [] };
let questions: Question[] = [];
/** Questions skipped, by the faces they show. */
const skippedQuestions = new Set<string>();
const names = new Map<number, string>();
let nextPerson = 0;
const selected: number[] = [];
const worker = startWorker();
let queue: File[] = [];
/**
 * Where the page is: loading its models, idle, working (finding faces or clustering), cancelling
 * (what the worker still sends for the batch is dropped), done, or failed. Busy: working or cancelling.
 */
type Phase = 'loading' | 'idle' | 'working' | 'cancelling' | 'done' | 'error';
let phase: Phase = 'loading';
const busy = () => phase === 'working' || phase === 'cancelling';

function setPhase(next: Phase) {
  phase = next;
  document.body.dataset.state = next === 'cancelling' ? 'working' : next;
  cancel.disabled = next !== 'working';
}

function startWorker(): Worker {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (event: MessageEvent<FromWorker>) => onWorker(event.data);
  w.onerror = (event) => fault(event.message || 'the worker failed to start');
  return w;
}

const send = (message: ToWorker) => worker.postMessage(message);

function fault(message: string) {
  status.textContent = `Something went wrong: ${message}`;
  setPhase('error');
}

/** "12 of 76 photos · 2.3 a second · about 28 s left" */
function progressText(done: number, total: number, startedAt: number, what: string): string {
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = done / Math.max(seconds, 1e-3);
  const left = done > 0 ? (total - done) / rate : NaN;
  const eta = Number.isFinite(left) ? ` · about ${left < 90 ? `${Math.ceil(left)} s` : `${Math.ceil(left / 60)} min`} left` : '';
  return `${done} of ${total} ${what}${done > 0 ? ` · ${rate.toFixed(1)} a second${eta}` : ''}`;
}

let stageStart = 0;
function onWorker(message: FromWorker) {
  if (phase === 'cancelling') {
    if (message.type === 'cancelled' || message.type === 'embedded' || message.type === 'clustered') finishCancel();
    return;
  }
  switch (message.type) {
    case 'loaded':
      status.textContent = 'Ready: choose or drop photos.';
      setPhase('idle');
      // photos given while the models loaded
      if (queue.length) embed([]);
      return;
    case 'photo':
      for (const face of message.faces) addFace(face);
      if (message.skipped) warn(message.skipped);
      bar.max = message.total;
      bar.value = message.done;
      status.textContent = `Finding faces: ${progressText(message.done, message.total, stageStart, 'photos')} · ${faces.length} faces so far`;
      return;
    case 'embedded':
      // for tools and the benchmark: how long finding and describing the faces took
      document.body.dataset.photosSeconds = ((performance.now() - stageStart) / 1000).toFixed(2);
      cluster();
      return;
    case 'clustered': {
      const carried = carryPeople(clustered, message.labels, nextPerson);
      clustered = carried.personOf;
      nextPerson = carried.nextId;
      questions = message.questions;
      setPhase('done');
      draw();
      showQuestion();
      bar.max = 1;
      bar.value = 1;
      // the same line as the CLI's cluster: faces, people, faces alone, the link cut and where it came from
      status.textContent = `Done: ${message.summary}.`;
      document.body.dataset.clusterSeconds = message.seconds.toFixed(2);
      $('export').hidden = faces.length === 0;
      if (queue.length) embed([]);
      return;
    }
    case 'cancelled':
      return;
    case 'error':
      fault(message.message);
  }
}

/** Back to the people as they were: the faces not clustered yet (the batch's) are dropped, the queue emptied. */
function finishCancel() {
  queue = [];
  for (const face of faces.splice(clustered.length)) URL.revokeObjectURL(face.thumb);
  status.textContent = `Cancelled. ${faces.length} faces, as before.`;
  bar.max = 1;
  bar.value = 0;
  setPhase(clustered.length > 0 ? 'done' : 'idle');
  draw();
}

function addFace(found: FoundFace) {
  const { descriptor, thumb, ...record } = found;
  faces.push({ record, descriptor, thumb: URL.createObjectURL(thumb) });
}

/** A skipped photo, listed under a one-line summary (folded, so that the galleries do not move). */
function warn(text: string) {
  const li = document.createElement('li');
  li.textContent = text;
  $('warnings').append(li);
  const count = $('warnings').childElementCount;
  $('skipped-count').textContent = `${count} ${count === 1 ? 'photo' : 'photos'} skipped`;
  $('skipped').hidden = false;
}

/** Finds faces in the photos given (and any queued while busy), then clusters. */
function embed(files: File[]) {
  const isPhoto = (f: File) => f.type.startsWith('image/') || IMAGE_EXTENSIONS.some((e) => f.name.toLowerCase().endsWith(e));
  // other files are named, not dropped without a word (hidden files aside: .DS_Store and the like)
  for (const f of files) if (!isPhoto(f) && !f.name.startsWith('.')) warn(`${f.webkitRelativePath || f.name}: not a photo`);
  queue.push(...files.filter(isPhoto));
  if (busy() || queue.length === 0 || phase === 'loading') return;
  const batch = queue;
  queue = [];
  setPhase('working');
  stageStart = performance.now();
  bar.max = batch.length;
  bar.value = 0;
  status.textContent = `Finding faces: 0 of ${batch.length} photos`;
  send({ type: 'embed', files: batch });
}

function cluster() {
  $('review').hidden = true;
  setPhase('working');
  status.textContent = `Grouping ${faces.length} faces into people…`;
  bar.removeAttribute('value');
  const { data: descriptors, dim } = packDescriptors(faces.map((f) => f.descriptor));
  send({ type: 'cluster', descriptors, dim, images: faces.map((f) => f.record.image), constraints: { mustLink: constraints.mustLink.slice(),
    cannotLink: constraints.cannotLink.slice() } });
}

const current = () => withMoves(clustered, moves);
const nameOf = (person: number, index: number) => names.get(person) ?? `Person ${index + 1}`;
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Redraws the galleries, largest person first; the faces seen once last, together. */
function draw(): void {
  const personOf = current();
  const groups = groupPeople(personOf);
  const many = groups.filter((g) => g.faces.length > 1), once = groups.filter((g) => g.faces.length === 1);
  const sections = many.map((g, i) => gallery(g.person, g.faces, nameOf(g.person, i), personOf));
  if (once.length) sections.push(gallery(undefined, once.map((g) => g.faces[0]!), 'Seen once', personOf));
  people.replaceChildren(...sections);
  refreshTools(groups);
}

function gallery(person: number | undefined, members: number[], title: string, personOf: readonly number[]): HTMLElement {
  const section = document.createElement('section');
  section.className = 'person';
  const header = document.createElement('header');
  if (person === undefined) {
    const h = document.createElement('h2');
    h.textContent = title;
    header.append(h);
  } else {
    section.dataset.person = String(person);
    const name = document.createElement('input');
    name.className = 'name';
    name.value = title;
    name.setAttribute('aria-label', `Name of ${title}`);
    name.addEventListener('change', () => {
      names.set(person, name.value.trim() || title);
      refreshTools(groupPeople(current()));
    });
    header.append(name);
  }
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = `${members.length} ${members.length === 1 ? 'face' : 'faces'}`;
  header.append(count);
  const list = document.createElement('ul');
  list.className = 'faces';
  for (const index of members) {
    const face = faces[index]!;
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'face';
    button.dataset.face = String(index);
    button.dataset.image = baseName(face.record.image);
    button.dataset.person = String(personOf[index]);
    button.setAttribute('aria-pressed', String(selected.includes(index)));
    const img = document.createElement('img');
    img.src = face.thumb;
    img.width = img.height = 112;
    img.alt = `face ${index + 1}, in ${baseName(face.record.image)}`;
    button.append(img);
    button.addEventListener('click', () => toggle(index));
    li.append(button);
    list.append(li);
  }
  section.append(header, list);
  return section;
}

/** Selects or unselects a face; at most two are selected (the second for "not the same person"). */
function toggle(index: number) {
  const at = selected.indexOf(index);
  if (at >= 0) selected.splice(at, 1);
  else {
    selected.push(index);
    if (selected.length > 2) selected.shift();
  }
  for (const button of people.querySelectorAll<HTMLButtonElement>('.face')) {
    button.setAttribute('aria-pressed', String(selected.includes(Number(button.dataset.face))));
  }
  refreshTools(groupPeople(current()));
}

function refreshTools(groups: { person: number; faces: number[] }[]) {
  tools.hidden = selected.length === 0;
  const many = groups.filter((g) => g.faces.length > 1);
  $('selection').textContent = selected.length === 1 ? '1 face selected' : `${selected.length} faces selected`;
  moveTo.replaceChildren(...many.map((g, i) => new Option(nameOf(g.person, i), String(g.person))), new Option('A new person', 'new'));
  ($('apart') as HTMLButtonElement).disabled = selected.length !== 2 || busy();
}

function clearSelection() {
  selected.length = 0;
  draw();
}

$('move').addEventListener('click', () => {
  const target = moveTo.value === 'new' ? nextPerson++ : Number(moveTo.value);
  for (const face of selected) moves.set(face, target);
  clearSelection();
});

$('apart').addEventListener('click', () => {
  if (selected.length !== 2 || busy()) return;
  const [a, b] = selected as [number, number];
  selected.length = 0;
  answer([a, b], false);
});

$('clear').addEventListener('click', clearSelection);

const questionKey = (q: Question) => `${q.faces[0]}-${q.faces[1]}`;

const openQuestions = () => questions.filter((q) => !skippedQuestions.has(questionKey(q)));

/** The best question not skipped, two faces side by side; the section hides when none is left. */
function showQuestion() {
  const open = openQuestions();
  const q = open[0];
  const section = $('review');
  section.hidden = q === undefined || busy();
  if (!q) return;
  const personOf = current();
  const groups = groupPeople(personOf).filter((g) => g.faces.length > 1);
  const named = (face: number) => {
    const at = groups.findIndex((g) => g.person === personOf[face]);
    return at >= 0 ? nameOf(groups[at]!.person, at) : 'a face seen once';
  };
  section.dataset.faces = q.faces.join(' ');
  section.dataset.kind = q.kind;
  $('question').textContent = q.kind === 'same'
    ? `Are these two the same person? (${named(q.faces[0])} and ${named(q.faces[1])})`
    : `Is the face on the left ${named(q.faces[1])}, like the face on the right?${q.part.length > 1 ? ` (a "no" takes ${q.part.length - 1} more like it along)` : ''}`;
  const [a, b] = [$<HTMLImageElement>('question-a'), $<HTMLImageElement>('question-b')];
  a.src = faces[q.faces[0]]!.thumb;
  b.src = faces[q.faces[1]]!.thumb;
  a.alt = `face ${q.faces[0] + 1}, in ${baseName(faces[q.faces[0]]!.record.image)}`;
  b.alt = `face ${q.faces[1] + 1}, in ${baseName(faces[q.faces[1]]!.record.image)}`;
  $('questions-left').textContent = `${open.length} ${open.length === 1 ? 'question' : 'questions'} left`;
}

/** The user's word on two faces: kept as a constraint, and the faces clustered again with it. */
function answer(pair: [number, number], same: boolean) {
  if (busy()) return;
  ({ answers: constraints, moves } = recordAnswer(constraints, moves, current(), pair, same));
  cluster();
}

function answerQuestion(reply: 'yes' | 'no' | 'skip') {
  const q = openQuestions()[0];
  if (!q || busy()) return;
  if (reply === 'skip') {
    skippedQuestions.add(questionKey(q));
    showQuestion();
    return;
  }
  answer([q.faces[0], q.faces[1]], reply === 'yes');
}

$('answer-yes').addEventListener('click', () => answerQuestion('yes'));
$('answer-no').addEventListener('click', () => answerQuestion('no'));
$('answer-skip').addEventListener('click', () => answerQuestion('skip'));
document.addEventListener('keydown', (event) => {
  // typing a name is not an answer
  const target = event.target as HTMLElement | null;
  if (event.ctrlKey || event.metaKey || event.altKey || target?.closest('input, select, textarea') || $('review').hidden) return;
  const reply = ({ y: 'yes', n: 'no', s: 'skip' } as const)[event.key.toLowerCase() as 'y' | 'n' | 's'];
  if (!reply) return;
  event.preventDefault();
  answerQuestion(reply);
});

cancel.addEventListener('click', () => {
  if (phase !== 'working') return;
  setPhase('cancelling');
  status.textContent = 'Cancelling…';
  send({ type: 'cancel' });
});

function download(name: string, parts: BlobPart[], type: string) {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$('export-faces').addEventListener('click', () => download('faces.json', [`${JSON.stringify(faces.map((f) => f.record), null, 1)}\n`], 'application/json'));
$('export-features').addEventListener('click', () => {
  const { data, dim } = packDescriptors(faces.map((f) => f.descriptor));
  download('features.npy', [...encodeNpy(data, [faces.length, dim], 'f4')] as BlobPart[], 'application/octet-stream');
});
$('export-labels').addEventListener('click', () => download('labels.npy', [...encodeLabels('labels.npy', exportLabels(current()))] as BlobPart[], 'application/octet-stream'));

for (const id of ['photos', 'folder']) {
  const input = $<HTMLInputElement>(id);
  input.addEventListener('change', () => {
    embed([...(input.files ?? [])]);
    input.value = '';
  });
}

/** Every file under dropped folders (the entries API, which drag and drop gives). */
async function filesOf(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const all: File[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    for (const child of batch) all.push(...await filesOf(child));
  }
}

document.addEventListener('dragover', (event) => event.preventDefault());
document.addEventListener('drop', async (event) => {
  event.preventDefault();
  const entries = [...(event.dataTransfer?.items ?? [])].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files = (await Promise.all(entries.map(filesOf))).flat().sort((a, b) => a.name.localeCompare(b.name));
  embed(files);
});

send({ type: 'load' });
