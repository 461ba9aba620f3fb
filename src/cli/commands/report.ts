import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../../errors.js';
import type { FaceRecord } from '../../io/faces.js';
import { npyToFloat64, npyToInt32, readNpyView, writeFileAtomic } from '../../io/index.js';
import { thumbnailsFrom } from '../../report/images.node.js';
import { renderReport, type ReportInput } from '../../report/index.js';
import type { EpochLog } from '../../train/index.js';
import type { ScoredEdges } from '../../types.js';
import { defineCommand, defineOptions, type OptionValues } from '../args.js';
import { loadFaces, loadLabels } from '../inputs.js';

const REPORT_OPTIONS = defineOptions({
  pred: { type: 'string', help: 'predicted clusters (cluster --out)', required: true },
  labels: { type: 'string', help: 'true identities: precision/recall per threshold, worst merges and splits' },
  edges: { type: 'string', help: 'scored links (cluster --edges-out)' },
  scores: { type: 'string', help: 'their scores (cluster --scores-out)' },
  faces: { type: 'string', help: 'faces.json: thumbnails from its images (paths relative to its folder)' },
  'train-log': { type: 'string', help: 'a training log (train.log.jsonl): training curves' },
  title: { type: 'string', help: 'page title' },
  out: { type: 'string', help: 'the HTML file', required: true },
});

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'one self-contained HTML page about a clustering (galleries, histograms, errors, training curves)',
  usage: 'report --pred PRED.npy [--labels L.npy] [--edges E.npy --scores S.npy] [--faces faces.json] [--train-log train.log.jsonl] --out report.html',
  options: REPORT_OPTIONS,
}, runReport);

/** The options naming the files a report adds (--faces, --train-log). */
type ReportFiles = { faces?: string | undefined; 'train-log'?: string | undefined };

/** Reads the files `report` and `cluster --report` take, beyond the labels (`faces`: --faces, when already read). */
export function loadReportExtras(n: number, o: ReportFiles, read?: FaceRecord[]): Pick<ReportInput, 'faces' | 'trainLog'> & { root?: string } {
  const out: Pick<ReportInput, 'faces' | 'trainLog'> & { root?: string } = {};
  if (o.faces !== undefined) {
    out.faces = read ?? loadFaces(o.faces, n)!;
    out.root = dirname(o.faces);
  }
  if (o['train-log'] !== undefined) out.trainLog = readTrainLog(o['train-log']);
  return out;
}

function readTrainLog(path: string): EpochLog[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail('NOT_FOUND', (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read', path);
  }
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try {
      const e = JSON.parse(l) as EpochLog;
      if (typeof e.epoch !== 'number' || typeof e.loss !== 'number' || typeof e.train?.recall !== 'number') throw new Error();
      return e;
    } catch {
      return fail('BAD_FILE', `line ${i + 1} is not an epoch record`, path);
    }
  });
}

async function runReport(o: OptionValues<typeof REPORT_OPTIONS>): Promise<void> {
  const out = o.out;
  if (!out.toLowerCase().endsWith('.html')) fail('UNSUPPORTED', 'the report is written as .html', out);
  const predView = readNpyView(o.pred);
  const labels = npyToInt32(predView, o.pred, true);
  const truth = o.labels === undefined ? undefined : loadLabels(o.labels, labels.length);
  let edges: ScoredEdges | undefined;
  if ((o.edges === undefined) !== (o.scores === undefined)) fail('BAD_OPTION', '--edges and --scores go together');
  if (o.edges !== undefined && o.scores !== undefined) {
    const pairs = npyToInt32(readNpyView(o.edges), o.edges);
    const score = npyToFloat64(readNpyView(o.scores));
    if (pairs.length !== 2 * score.length) fail('SHAPE_MISMATCH', `has ${pairs.length / 2} links but ${o.scores} has ${score.length} scores`, o.edges);
    const src = new Int32Array(score.length), dst = new Int32Array(score.length);
    for (let e = 0; e < score.length; e++) {
      src[e] = pairs[2 * e]!;
      dst[e] = pairs[2 * e + 1]!;
      if (src[e]! < 0 || src[e]! >= labels.length || dst[e]! < 0 || dst[e]! >= labels.length) fail('BAD_VALUE', `link ${e} names a face outside [0, ${labels.length})`, o.edges);
    }
    edges = { src, dst, score };
  }
  await writeReport(out, { labels, ...(truth ? { truth } : {}), ...(edges ? { edges } : {}), ...(o.title ? { title: o.title } : {}) }, o);
}

/**
 * The report of a clustering written to `out` (atomically), with what the options add: the faces
 * and their thumbnails (--faces, or `faces` already read), the training log (--train-log).
 */
export async function writeReport(out: string, input: Omit<ReportInput, 'faces' | 'trainLog'>, o: ReportFiles, faces?: FaceRecord[]): Promise<void> {
  const { root, ...extras } = loadReportExtras(input.labels.length, o, faces);
  const html = await renderReport({ ...input, ...extras }, root !== undefined ? thumbnailsFrom(root) : undefined);
  const encoder = new TextEncoder();
  writeFileAtomic(out, html.map((part) => encoder.encode(part)));
}
