/**
 * One self-contained HTML page about a clustering, to look at: a gallery per cluster (face
 * thumbnails when the photos are known, else face numbers), the cluster-size and link-score
 * histograms, and with true labels the links' precision and recall per threshold and the worst
 * merges and splits; training curves from a training log. Charts are inline SVG and images
 * data URIs, so the file opens anywhere, offline, with no script.
 */
import type { FaceRecord } from '../io/faces.js';
import { edgeMetrics } from '../metrics/index.js';
import type { EpochLog } from '../train/index.js';
import type { ScoredEdges } from '../types.js';

export interface ReportInput {
  /** Predicted cluster of each face. */
  labels: Int32Array;
  /** True identities, for the precision/recall and merge/split sections. */
  truth?: Int32Array;
  /** Scored links (gcn), for the score histogram and precision/recall per threshold. */
  edges?: ScoredEdges;
  /** One record per face (faces.json): thumbnails and image names. */
  faces?: FaceRecord[];
  /** A training log (train.log.jsonl entries). */
  trainLog?: EpochLog[];
  title?: string;
  /** Largest clusters shown in the gallery (default 60) and faces shown per cluster (default 24). */
  maxClusters?: number;
  maxFacesPerCluster?: number;
}

/** A face's thumbnail: image bytes and their MIME type, or undefined when its photo is unreadable. */
export type ImageSource = (face: FaceRecord) => Promise<{ bytes: Uint8Array; mime: string } | undefined>;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');

/** A bar chart: one bar per value, labels under the first and last bars. */
function bars(id: string, values: number[], xLabels: [string, string], caption: string): string {
  const w = 640, h = 180, pad = 24, max = Math.max(1, ...values);
  const bw = (w - 2 * pad) / Math.max(1, values.length);
  const rects = values.map((v, i) => {
    const bh = (h - 2 * pad) * (v / max);
    return `<rect x="${(pad + i * bw).toFixed(1)}" y="${(h - pad - bh).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${v}</title></rect>`;
  }).join('');
  return `<figure id="${id}"><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(caption)}">${rects}` +
    `<text x="${pad}" y="${h - 6}">${esc(xLabels[0])}</text><text x="${w - pad}" y="${h - 6}" text-anchor="end">${esc(xLabels[1])}</text>` +
    `<text x="${pad}" y="14">max ${max}</text></svg><figcaption>${esc(caption)}</figcaption></figure>`;
}

/** Line charts over x in [x0, x1], y in [0, 1] (or the data's range). */
function lines(id: string, series: { name: string; points: [number, number][] }[], caption: string): string {
  const w = 640, h = 220, pad = 30;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(0, ...ys), y1 = Math.max(1e-9, ...ys);
  const sx = (x: number) => pad + ((x - x0) / Math.max(1e-9, x1 - x0)) * (w - 2 * pad);
  const sy = (y: number) => h - pad - ((y - y0) / Math.max(1e-9, y1 - y0)) * (h - 2 * pad);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const paths = series.map((s, i) => `<polyline class="series" fill="none" stroke="${colours[i % colours.length]}" stroke-width="2" points="${s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"><title>${esc(s.name)}</title></polyline>` +
    `<text x="${w - pad}" y="${16 + 14 * i}" text-anchor="end" fill="${colours[i % colours.length]}">${esc(s.name)}</text>`).join('');
  return `<figure id="${id}"><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(caption)}">${paths}` +
    `<text x="${pad}" y="${h - 8}">${f3(x0)}</text><text x="${w - pad}" y="${h - 8}" text-anchor="end">${f3(x1)}</text><text x="4" y="${pad}">${f3(y1)}</text></svg><figcaption>${esc(caption)}</figcaption></figure>`;
}

function groupBy(labels: ArrayLike<number>): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    let g = m.get(labels[i]!);
    if (!g) { g = []; m.set(labels[i]!, g); }
    g.push(i);
  }
  return m;
}

function table(id: string, head: string[], rows: (string | number)[][]): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
}

/** The page as parts to write one after another (a library's gallery would not fit one string). */
export async function renderReport(input: ReportInput, readImage?: ImageSource): Promise<string[]> {
  const { labels, truth, edges, faces, trainLog } = input;
  const n = labels.length;
  const clusters = [...groupBy(labels)].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
  const sections: string[] = [];
  const singletons = clusters.filter(([, m]) => m.length === 1).length;
  sections.push(`<section id="summary"><h2>Summary</h2><p>${n} faces in ${clusters.length} clusters (${singletons} of one face; largest ${clusters[0]?.[1].length ?? 0}).</p></section>`);

  // cluster sizes: bins 1, 2, 3–4, 5–8, … (powers of two)
  const sizeBins: number[] = [];
  for (const [, m] of clusters) {
    const b = Math.ceil(Math.log2(m.length));
    while (sizeBins.length <= b) sizeBins.push(0);
    sizeBins[b]!++;
  }
  sections.push(`<section><h2>Cluster sizes</h2>${bars('size-histogram', sizeBins, ['1', `≤ ${2 ** (sizeBins.length - 1)}`], 'clusters by size, bins 1, 2, 3–4, 5–8, … (powers of two)')}</section>`);

  if (edges && edges.score.length > 0) {
    const bins = new Array<number>(20).fill(0);
    for (const s of edges.score) bins[Math.min(19, Math.max(0, Math.floor(s * 20)))]!++;
    sections.push(`<section><h2>Link scores</h2>${bars('score-histogram', bins, ['0', '1'], `${edges.score.length} scored links, in twentieths of [0, 1]`)}</section>`);
    if (truth) {
      const ths = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);
      const pr = ths.map((t) => [t, edgeMetrics(edges, truth, t)] as const);
      sections.push(`<section><h2>Links: precision and recall per threshold</h2>` +
        lines('pr-curve', [{ name: 'precision', points: pr.map(([t, m]) => [t, m.precision]) }, { name: 'recall', points: pr.map(([t, m]) => [t, m.recall]) }], 'a link counts as "same person" when its score exceeds the threshold') +
        table('pr-table', ['threshold', 'precision', 'recall', 'accuracy'], pr.map(([t, m]) => [t.toFixed(2), f3(m.precision), f3(m.recall), f3(m.accuracy)])) + '</section>');
    }
  }

  const nameOf = (i: number) => (faces?.[i] ? faces[i]!.image : `face ${i}`);
  if (truth) {
    const merges = clusters.map(([c, m]) => {
      const ids = groupBy(m.map((i) => truth[i]!));
      const largest = Math.max(...[...ids.values()].map((g) => g.length));
      return { c, size: m.length, identities: ids.size, wrong: m.length - largest };
    }).filter((x) => x.wrong > 0).sort((a, b) => b.wrong - a.wrong || a.c - b.c).slice(0, 15);
    const splits = [...groupBy(truth)].map(([t, m]) => {
      const parts = groupBy(m.map((i) => labels[i]!));
      const largest = Math.max(...[...parts.values()].map((g) => g.length));
      return { t, size: m.length, parts: parts.size, away: m.length - largest, example: nameOf(m[0]!) };
    }).filter((x) => x.parts > 1).sort((a, b) => b.away - a.away || a.t - b.t).slice(0, 15);
    sections.push(`<section><h2>Worst merges</h2><p>Clusters holding faces of several people, by faces outside the cluster's main identity.</p>` +
      table('merges', ['cluster', 'faces', 'identities', 'faces of other identities'], merges.map((x) => [x.c, x.size, x.identities, x.wrong])) + '</section>');
    sections.push(`<section><h2>Worst splits</h2><p>People spread over several clusters, by faces outside their largest cluster.</p>` +
      table('splits', ['identity', 'faces', 'clusters', 'faces outside the largest', 'a face'], splits.map((x) => [x.t, x.size, x.parts, x.away, x.example])) + '</section>');
  }

  if (trainLog && trainLog.length > 0) {
    const series = [{ name: 'loss', points: trainLog.map((e) => [e.epoch, e.loss] as [number, number]) }, { name: 'train recall',
      points: trainLog.map((e) => [e.epoch, e.train.recall] as [number, number]) }];
    if (trainLog.some((e) => e.validation)) series.push({ name: 'validation recall', points: trainLog.filter((e) => e.validation).map((e) => [e.epoch,
      e.validation!.recall] as [number, number]) });
    sections.push(`<section><h2>Training</h2>${lines('training-curves', series, 'per epoch')}` +
      table('training-table', ['epoch', 'lr', 'loss', 'train precision', 'train recall', 'validation precision', 'validation recall', 'seconds'],
        trainLog.map((e) => [e.epoch, e.lr, f3(e.loss), f3(e.train.precision), f3(e.train.recall), e.validation ? f3(e.validation.precision) : '–',
          e.validation ? f3(e.validation.recall) : '–', e.seconds.toFixed(0)])) + '</section>');
  }

  const maxClusters = input.maxClusters ?? 60, perCluster = input.maxFacesPerCluster ?? 24;
  const shown = clusters.filter(([, m]) => m.length > 1).slice(0, maxClusters);
  // thumbnails asked for in photo order, so that each photo is decoded once however its faces
  // are spread over the clusters (faces of one photo are usually different people)
  const uris = new Map<number, string>();
  if (faces && readImage) {
    const wanted = shown.flatMap(([, m]) => m.slice(0, perCluster)).filter((i) => faces[i]);
    wanted.sort((a, b) => (faces[a]!.image < faces[b]!.image ? -1 : faces[a]!.image > faces[b]!.image ? 1 : a - b));
    for (const i of wanted) {
      const img = await readImage(faces[i]!);
      if (img) uris.set(i, `data:${img.mime};base64,${Buffer.from(img.bytes).toString('base64')}`);
    }
  }
  const thumb = (i: number): string => {
    const face = faces?.[i];
    if (!face || !readImage) return `<span class="face" title="${esc(nameOf(i))}">${i}</span>`;
    const uri = uris.get(i);
    if (!uri) return `<span class="face missing" title="${esc(face.image)}: unreadable">${i}</span>`;
    return `<img class="face" src="${uri}" alt="${esc(face.image)}" title="${esc(face.image)} (face ${i})">`;
  };
  // the gallery is the bulk of the page: a part per cluster, never one string for all
  const gallery = [`<section id="gallery"><h2>Clusters</h2><p>The ${shown.length} largest clusters of two faces or more${clusters.length > shown.length ? ` (of ${clusters.length})` : ''}.</p>`,
    ...shown.map(([c, m]) => `<div class="cluster" data-cluster="${c}"><h3>cluster ${c} · ${m.length} faces${truth ? ` · ${groupBy(m.map((i) => truth[i]!)).size} identities` : ''}</h3>` +
      m.slice(0, perCluster).map(thumb).join('') + (m.length > perCluster ? `<span class="more">+${m.length - perCluster}</span>` : '') + '</div>'), '</section>'];

  const title = esc(input.title ?? 'facecluster report');
  return [`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>
body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
svg rect{fill:#4a78b5} svg text{font-size:11px;fill:#555} figure{margin:1em 0}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
.cluster{border-top:1px solid #ddd;padding:.4em 0} .cluster h3{font-size:13px;margin:.2em 0}
.face{display:inline-block;width:96px;height:96px;margin:2px;object-fit:cover;background:#eee;
  font-size:11px;text-align:center;line-height:96px;vertical-align:top}
.missing{background:#fdd} .more{margin-left:.5em;color:#777}
</style></head><body><h1>${title}</h1>${sections.join('\n')}\n`, ...gallery, '</body></html>\n'];
}
