/**
 * The page: photos in, people out. The work runs in a Web Worker (worker.ts); what the page
 * knows (faces, people, names, the selection, questions, photos waiting) and every change to it
 * are in state.ts; this file draws the state, and turns clicks and the worker's messages into changes. Tools can read the
 * result: every face carries data-image (its photo's file name) and data-person (its person),
 * and <body data-state="done"> says a clustering has finished.
 */
import { encodeLabels, encodeNpy, IMAGE_EXTENSIONS, type FaceRecord } from 'facecluster/browser';
import type { FoundFace, FromWorker, ToWorker } from './messages.js';
import { exportLabels, packDescriptors } from './people.js';
import { cancelAsked, cancelled, clearSelection, clustered, clusterAgain, facesFound, failed, galleries, initialState, isBusy, loaded,
  moveSelected, openQuestions, peopleOf, photosGiven, rename, replyToQuestion, selectedApart, toggleFace, type PageState, type Phase,
  type Step } from './state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const bar = $<HTMLProgressElement>('bar'), status = $('status'), cancel = $<HTMLButtonElement>('cancel');
const people = $('people'), tools = $('tools'), moveTo = $<HTMLSelectElement>('move-to');

interface Face { record: FaceRecord; descriptor: Float32Array; thumb: string }
/** Everything the page knows (state.ts); changed only through `update` and `step`. */
let state: PageState<Face, File> = initialState();
const worker = startWorker();

/** A new state: the body's data-state and the cancel button follow its phase. */
function update(next: PageState<Face, File>) {
  if (next.phase !== state.phase) showPhase(next.phase);
  state = next;
}

/** A change that may ask the worker for work: the status line says what started. */
function step({ state: next, request }: Step<Face, File>) {
  update(next);
  if (!request) return;
  if (request.type === 'embed') {
    stageStart = performance.now();
    bar.max = request.files.length;
    bar.value = 0;
    status.textContent = `Finding faces: 0 of ${request.files.length} photos`;
  } else {
    $('review').hidden = true;
    status.textContent = `Grouping ${state.faces.length} faces into people…`;
    bar.removeAttribute('value');
  }
  send(request);
}

function showPhase(phase: Phase) {
  document.body.dataset.state = phase === 'cancelling' ? 'working' : phase;
  cancel.disabled = phase !== 'working';
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
  update(failed(state));
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
  if (state.phase === 'cancelling') {
    if (message.type === 'cancelled' || message.type === 'embedded' || message.type === 'clustered') finishCancel();
    return;
  }
  switch (message.type) {
    case 'loaded':
      status.textContent = 'Ready: choose or drop photos.';
      // photos given while the models loaded start now
      step(loaded(state));
      return;
    case 'photo':
      update(facesFound(state, message.faces.map(toFace)));
      if (message.skipped) warn(message.skipped);
      bar.max = message.total;
      bar.value = message.done;
      status.textContent = `Finding faces: ${progressText(message.done, message.total, stageStart, 'photos')} · ${state.faces.length} faces so far`;
      return;
    case 'embedded':
      // for tools and the benchmark: how long finding and describing the faces took
      document.body.dataset.photosSeconds = ((performance.now() - stageStart) / 1000).toFixed(2);
      step(clusterAgain(state));
      return;
    case 'clustered': {
      const next = clustered(state, message.labels, message.questions);
      update(next.state);
      draw();
      showQuestion();
      bar.max = 1;
      bar.value = 1;
      // the same line as the CLI's cluster: faces, people, faces alone, the link cut and where it came from
      status.textContent = `Done: ${message.summary}.`;
      document.body.dataset.clusterSeconds = message.seconds.toFixed(2);
      $('export').hidden = state.faces.length === 0;
      // photos given meanwhile
      step(next);
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
  const { state: next, dropped } = cancelled(state);
  for (const face of dropped) URL.revokeObjectURL(face.thumb);
  update(next);
  status.textContent = `Cancelled. ${state.faces.length} faces, as before.`;
  bar.max = 1;
  bar.value = 0;
  draw();
}

function toFace(found: FoundFace): Face {
  const { descriptor, thumb, ...record } = found;
  return { record, descriptor, thumb: URL.createObjectURL(thumb) };
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
  step(photosGiven(state, files.filter(isPhoto)));
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Redraws the galleries, largest person first; the faces seen once last, together. */
function draw(): void {
  const personOf = peopleOf(state);
  const shown = galleries(state);
  const sections = shown.people.map((g) => gallery(g.person, g.faces, g.name, personOf));
  if (shown.once.length) sections.push(gallery(undefined, shown.once, 'Seen once', personOf));
  people.replaceChildren(...sections);
  refreshTools(shown.people);
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
      update(rename(state, person, name.value));
      refreshTools();
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
    const face = state.faces[index]!;
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'face';
    button.dataset.face = String(index);
    button.dataset.image = baseName(face.record.image);
    button.dataset.person = String(personOf[index]);
    button.setAttribute('aria-pressed', String(state.selected.includes(index)));
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
  update(toggleFace(state, index));
  for (const button of people.querySelectorAll<HTMLButtonElement>('.face')) {
    button.setAttribute('aria-pressed', String(state.selected.includes(Number(button.dataset.face))));
  }
  refreshTools();
}

/** The selection's tools; `shown`: the people of two faces or more, when the caller has them. */
function refreshTools(shown = galleries(state).people) {
  const { selected } = state;
  tools.hidden = selected.length === 0;
  $('selection').textContent = selected.length === 1 ? '1 face selected' : `${selected.length} faces selected`;
  moveTo.replaceChildren(...shown.map((g) => new Option(g.name, String(g.person))), new Option('A new person', 'new'));
  ($('apart') as HTMLButtonElement).disabled = selected.length !== 2 || isBusy(state);
}

$('move').addEventListener('click', () => {
  update(moveSelected(state, moveTo.value === 'new' ? 'new' : Number(moveTo.value)));
  draw();
});

$('apart').addEventListener('click', () => step(selectedApart(state)));

$('clear').addEventListener('click', () => {
  update(clearSelection(state));
  draw();
});

/** The best question not skipped, two faces side by side; the section hides when none is left. */
function showQuestion() {
  const open = openQuestions(state);
  const q = open[0];
  const section = $('review');
  section.hidden = q === undefined || isBusy(state);
  if (!q) return;
  const personOf = peopleOf(state);
  const shown = galleries(state).people;
  const named = (face: number) => shown.find((g) => g.person === personOf[face])?.name ?? 'a face seen once';
  section.dataset.faces = q.faces.join(' ');
  section.dataset.kind = q.kind;
  $('question').textContent = q.kind === 'same'
    ? `Are these two the same person? (${named(q.faces[0])} and ${named(q.faces[1])})`
    : `Is the face on the left ${named(q.faces[1])}, like the face on the right?${q.part.length > 1 ? ` (a "no" takes ${q.part.length - 1} more like it along)` : ''}`;
  const [a, b] = [$<HTMLImageElement>('question-a'), $<HTMLImageElement>('question-b')];
  const [faceA, faceB] = [state.faces[q.faces[0]]!, state.faces[q.faces[1]]!];
  a.src = faceA.thumb;
  b.src = faceB.thumb;
  a.alt = `face ${q.faces[0] + 1}, in ${baseName(faceA.record.image)}`;
  b.alt = `face ${q.faces[1] + 1}, in ${baseName(faceB.record.image)}`;
  $('questions-left').textContent = `${open.length} ${open.length === 1 ? 'question' : 'questions'} left`;
}

/** A reply to the question shown: an answer clusters again; a skip shows the next question. */
function answerQuestion(reply: 'yes' | 'no' | 'skip') {
  step(replyToQuestion(state, reply));
  if (reply === 'skip') showQuestion();
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
  if (state.phase !== 'working') return;
  update(cancelAsked(state));
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

$('export-faces').addEventListener('click', () => download('faces.json', [`${JSON.stringify(state.faces.map((f) => f.record), null, 1)}\n`], 'application/json'));
$('export-features').addEventListener('click', () => {
  const { data, dim } = packDescriptors(state.faces.map((f) => f.descriptor));
  download('features.npy', [...encodeNpy(data, [state.faces.length, dim], 'f4')] as BlobPart[], 'application/octet-stream');
});
$('export-labels').addEventListener('click', () => download('labels.npy', [...encodeLabels('labels.npy', exportLabels(peopleOf(state)))] as BlobPart[], 'application/octet-stream'));

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
