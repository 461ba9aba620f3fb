import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { EMBED_DEFAULTS, IMAGE_EXTENSIONS, MAX_IMAGE_SIDE, MIN_IMAGE_SIDE } from '../../embed/embedder.node.js';
import { embedPhotos } from '../../embed/parallel.node.js';
import type { PhotoResult } from '../../embed/photo.node.js';
import { queuedEmbed } from '../../queue/distributed.node.js';
import { QUEUE_OPTIONS, queuedRunFrom } from '../queue.js';
import { fail } from '../../errors.js';
import type { FaceRecord } from '../../io/faces.js';
import { writeFileAtomic, writeNpy } from '../../io/index.js';
import { QUIET_OPTION, THREADS_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { Progress } from '../progress.js';

const EMBED_OPTIONS = defineOptions({
  out: { type: 'string', help: 'folder for features.npy (N×128) and faces.json (one entry per row)', required: true },
  resume: { type: 'boolean', help: 'continue an interrupted run in DIR' },
  'min-score': { type: 'number', min: 0, max: 1, default: EMBED_DEFAULTS.minScore, help: 'detections scoring less are dropped' },
  'min-face': { type: 'integer', min: MIN_IMAGE_SIDE, max: MAX_IMAGE_SIDE, help: 'also find faces down to PX pixels high, searching the photo in windows (one detector pass each: 65 for 40 px in 12 megapixels; default one pass, faces down to about 1/20 of the longest side)' },
  'crop-size': { type: 'integer', min: 1, default: EMBED_DEFAULTS.cropSize, help: 'square images up to this size are taken as one face crop each, where they show the evidence of a face' },
  json: { type: 'boolean', help: 'print the summary as one JSON object' },
  ...QUEUE_OPTIONS,
  ...QUIET_OPTION,
  ...THREADS_OPTION,
});

export const embedCommand = defineCommand({
  name: 'embed',
  summary: 'detect, align and describe the faces in photos (folders are searched recursively)',
  usage: 'embed PHOTOS... --out DIR [--resume] [--min-score 0.5] [--min-face PX]',
  positionals: 'PHOTOS: photo files (JPEG, PNG, WebP, AVIF, HEIC, TIFF, GIF), and folders to search for them',
  options: EMBED_OPTIONS,
}, runEmbed);

/**
 * Photos under the given paths, folders searched recursively in name order (files named
 * explicitly are photos whatever their extension), and the other files found in the folders
 * (hidden ones aside), which are named in the summary rather than dropped without a word.
 */
function collect(paths: string[]): { photos: string[]; others: string[] } {
  const out: string[] = [], others: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    let st: Stats;
    try {
      st = statSync(p);
    } catch {
      fail('NOT_FOUND', 'no such file or folder', p);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name), false);
    } else if (explicit || IMAGE_EXTENSIONS.includes(extname(p).toLowerCase())) {
      out.push(resolve(p));
    } else if (!basename(p).startsWith('.')) {
      others.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return { photos: out, others };
}

const PARTIAL = 'embed.partial.jsonl';

async function runEmbed(o: OptionValues<typeof EMBED_OPTIONS>, positionals: string[]): Promise<void> {
  if (positionals.length === 0) fail('BAD_OPTION', "embed needs photos or folders (see 'facecluster embed --help')");
  const dir = o.out;
  const { photos: images, others } = collect(positionals);
  if (images.length === 0) fail('NOT_FOUND', `no photos (${IMAGE_EXTENSIONS.join(' ')}) under ${positionals.join(', ')}${others.length > 0 ? ` (${others.length} other files)` : ''}`);
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const partialPath = join(dir, PARTIAL);
  // one line per finished image, appended as it is done: what --resume reads back
  const done = new Map<string, PhotoResult>();
  if (existsSync(partialPath)) {
    if (!o.resume) fail('BAD_OPTION', 'an interrupted embed run is here: pass --resume to continue it, or choose another --out', dir);
    for (const line of readFileSync(partialPath, 'utf8').split('\n')) {
      try {
        const p = JSON.parse(line) as PhotoResult;
        if (typeof p.image === 'string') done.set(p.image, p);
      } catch {
        // the line being written when the run stopped
      }
    }
  }
  const settings = { minScore: o['min-score'], cropSize: o['crop-size'], minFace: o['min-face'] };
  const bar = new Progress('embed', 'photos', o.quiet);
  const todo = images.map((path) => ({ path, image: relative(resolve(dir), path) })).filter((p) => !done.has(p.image));
  const queued = await queuedRunFrom(o, o.quiet);
  if (queued) {
    // photos are named to the workers relative to the work directory when they are in it
    const workDir = resolve(queued.workDir);
    const names = todo.map((p) => (p.path.startsWith(workDir + sep) ? relative(workDir, p.path) : p.path));
    try {
      const results = await queuedEmbed(queued, names, settings);
      // the workers knew the photos by the names above: faces.json names them as embed always does
      todo.forEach((p, i) => {
        const r = results[i]!;
        done.set(p.image, { ...r, image: p.image, ...(r.faces ? { faces: r.faces.map((f) => ({ ...f, image: p.image })) } : {}) });
      });
    } finally {
      queued.bar.done();
      queued.connection.disconnect();
    }
  } else {
    let finished = images.length - todo.length;
    await embedPhotos(todo, {
      ...settings,
      ...(o.threads !== undefined ? { workers: o.threads } : {}),
      onResult: (photo, result) => {
        appendFileSync(partialPath, `${JSON.stringify(result)}\n`);
        done.set(photo.image, result);
        bar.update(++finished, images.length);
      },
    });
  }
  bar.done();
  const faces: FaceRecord[] = [];
  const rows: number[][] = [];
  let unreadable = 0, faceless = 0;
  for (const path of images) {
    const line = done.get(relative(resolve(dir), path))!;
    if (line.error) {
      if (line.faces) faceless++;
      else unreadable++;
      console.error(`facecluster: warning: ${path}: ${line.error}, skipped`);
      continue;
    }
    for (const { descriptor, ...record } of line.faces!) {
      faces.push(record);
      rows.push(descriptor);
    }
  }
  if (rows.length === 0) {
    // nothing to write: leave no trace of this run
    rmSync(partialPath, { force: true });
    if (created) rmSync(dir, { recursive: true });
    fail('BAD_VALUE', `no faces found in ${images.length} photo${images.length === 1 ? '' : 's'}`);
  }
  const dim = rows[0]!.length;
  writeNpy(join(dir, 'features.npy'), Float32Array.from(rows.flat()), [rows.length, dim], 'f4');
  writeFileAtomic(join(dir, 'faces.json'), [new TextEncoder().encode(`${JSON.stringify(faces, null, 1)}\n`)]);
  rmSync(partialPath, { force: true });
  const summary = { photos: images.length, faces: rows.length, skipped: unreadable + faceless, unreadable, faceless, otherFiles: others.length };
  const named = others.slice(0, 3).map((p) => basename(p)).join(', ') + (others.length > 3 ? ', …' : '');
  if (o.json) console.log(JSON.stringify(summary));
  else console.error(`facecluster: ${summary.faces} faces in ${summary.photos} photos; ${summary.skipped} skipped (${unreadable} unreadable, ${faceless} without a face)${others.length > 0 ? `; ${others.length} other file${others.length === 1 ? '' : 's'} not read (${named})` : ''}`);
}
