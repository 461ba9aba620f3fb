import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { decodeImage, FaceEmbedder, IMAGE_EXTENSIONS, type EmbeddedFace } from '../../embed/index.js';
import { FaceclusterError, fail } from '../../errors.js';
import type { FaceRecord } from '../../io/faces.js';
import { writeFileAtomic, writeNpy } from '../../io/index.js';
import { QUIET_OPTION, type CommandSpec, type ParsedOptions } from '../args.js';
import { Progress } from '../progress.js';

export const embedCommand: CommandSpec = {
  name: 'embed',
  summary: 'detect, align and describe the faces in photos (folders are searched recursively)',
  usage: 'embed PHOTOS... --out DIR [--resume] [--min-score 0.5]',
  positionals: 'PHOTOS: JPEG or PNG files, and folders to search for them',
  options: {
    out: { type: 'string', help: 'folder for features.npy (N×128) and faces.json (one entry per row)', required: true },
    resume: { type: 'boolean', help: 'continue an interrupted run in DIR' },
    'min-score': { type: 'number', default: 0.5, help: 'detections scoring less are dropped' },
    'crop-size': { type: 'integer', default: 160, help: 'square images up to this size without a detection are taken as face crops' },
    json: { type: 'boolean', help: 'print the summary as one JSON object' },
    ...QUIET_OPTION,
  },
};

/** Image files under the given paths, folders searched recursively in name order. */
function collect(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      fail('NOT_FOUND', 'no such file or folder', p);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name), false);
    } else if (explicit || IMAGE_EXTENSIONS.includes(extname(p).toLowerCase())) {
      out.push(resolve(p));
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

interface PartialLine { image: string; faces?: (FaceRecord & { descriptor: number[] })[]; error?: string }

const PARTIAL = 'embed.partial.jsonl';

export async function runEmbed(o: ParsedOptions, positionals: string[]): Promise<void> {
  if (positionals.length === 0) fail('BAD_OPTION', "embed needs photos or folders (see 'facecluster embed --help')");
  const dir = o.out as string;
  const images = collect(positionals);
  if (images.length === 0) fail('NOT_FOUND', `no JPEG or PNG images under ${positionals.join(', ')}`);
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const partialPath = join(dir, PARTIAL);
  // one line per finished image, appended as it is done: what --resume reads back
  const done = new Map<string, PartialLine>();
  if (existsSync(partialPath)) {
    if (!o.resume) fail('BAD_OPTION', 'an interrupted embed run is here: pass --resume to continue it, or choose another --out', dir);
    for (const line of readFileSync(partialPath, 'utf8').split('\n')) {
      try {
        const p = JSON.parse(line) as PartialLine;
        if (typeof p.image === 'string') done.set(p.image, p);
      } catch {
        // the line being written when the run stopped
      }
    }
  }
  const embedder = await FaceEmbedder.create({ minScore: o['min-score'] as number, cropSize: o['crop-size'] as number });
  const bar = new Progress('embed', 'photos', o.quiet as boolean);
  let n = 0;
  for (const path of images) {
    const image = relative(resolve(dir), path);
    if (!done.has(image)) {
      let line: PartialLine;
      try {
        const faces: EmbeddedFace[] = await embedder.embed(decodeImage(readFileSync(path), path), image);
        line = { image, faces: faces.map((f) => ({ ...f, descriptor: Array.from(f.descriptor) })) };
        if (faces.length === 0) line.error = 'no face found';
      } catch (e) {
        // one bad photo never ends a run: whatever fails on it is its warning
        const why = e instanceof FaceclusterError ? e.message.replace(`${path}: `, '')
          : (e as NodeJS.ErrnoException).code !== undefined ? `cannot read (${(e as NodeJS.ErrnoException).code})`
            : `cannot be described (${String((e as Error)?.message ?? e).split('\n')[0]})`;
        line = { image, error: why };
      }
      appendFileSync(partialPath, JSON.stringify(line) + '\n');
      done.set(image, line);
    }
    bar.update(++n, images.length);
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
    rmSync(partialPath);
    if (created) rmSync(dir, { recursive: true });
    fail('BAD_VALUE', `no faces found in ${images.length} photo${images.length === 1 ? '' : 's'}`);
  }
  const dim = rows[0]!.length;
  writeNpy(join(dir, 'features.npy'), Float32Array.from(rows.flat()), [rows.length, dim], 'f4');
  writeFileAtomic(join(dir, 'faces.json'), [new TextEncoder().encode(JSON.stringify(faces, null, 1) + '\n')]);
  rmSync(partialPath);
  const summary = { photos: images.length, faces: rows.length, skipped: unreadable + faceless, unreadable, faceless };
  if (o.json) console.log(JSON.stringify(summary));
  else console.error(`facecluster: ${summary.faces} faces in ${summary.photos} photos; ${summary.skipped} skipped (${unreadable} unreadable, ${faceless} without a face)`);
}
