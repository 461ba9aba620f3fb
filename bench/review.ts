/**
 * `npm run bench:review [-- --fit] [--quick]`: what answers to review questions are worth. On
 * collections of training identities (lfw-train photos, lfw-train-aligned crops) and synthetic
 * people in the shapes photo libraries have, the default clustering is reviewed and a simulated
 * user answers the first N questions from the truth ("same": yes when both clusters' majority
 * person is one; "belongs": yes when the face is its cluster's majority person). B-Cubed F after
 * 0, 5, 10, 20 and 50 answers, beside as many random questions of each kind drawn from every
 * candidate question (mean of 5 draws).
 *
 * --fit: the logistic calibrations of REVIEW_DEFAULTS, fitted to every candidate question's
 * evidence and truth on these collections (no test split is read).
 */
import { parseArgs } from 'node:util';
import { buildKnn, l2Normalize } from '../src/knn/index.js';
import { evaluate } from '../src/metrics/index.js';
import { clusterFaces } from '../src/pipeline/cluster.js';
import { seededRandom, shuffledRange } from '../src/random.js';
import { applyAnswers, reviewWithEvidence, type Answer, type Evidence, type Logistic, type Question } from '../src/review/index.js';
import { DATA, SHARED, split } from './library-sets.js';
import { album, family, manyFacesEach, realPeople, strangers, syntheticPeople, withDuplicates, withStrays, type LabelledFaces, type PeopleSource } from '../src/synthetic/collections.js';

const { values: flags } = parseArgs({ options: { fit: { type: 'boolean' }, quick: { type: 'boolean' } } });

const sources: [string, PeopleSource][] = [
  ['lfw-train photos', realPeople(split(`${SHARED}lfw-train`))],
  ['lfw-train crops', realPeople(split(`${DATA}lfw-train-aligned`))],
  ['synthetic 128-d', syntheticPeople({ dim: 128, people: 3000, seed: 128 })],
  ['synthetic 512-d', syntheticPeople({ dim: 512, people: 3000, seed: 512 })],
];
const repeats = flags.quick ? 2 : 5;
function shapes(people: PeopleSource): [string, LabelledFaces][] {
  const out: [string, LabelledFaces][] = [];
  for (let r = 0; r < repeats; r++) {
    out.push(['family: 4–8 people with 100–600 faces, a tail of 40', family(people, { people: 4 + r, min: 100, max: 600, tail: 40, tailMax: 8, seed: 10 + r })]);
    out.push(['album of 30 faces', album(people, { minFaces: 30, maxFaces: 30, seed: 200 + r, minReal: 4 })]);
    out.push(['album of 10–50 faces', album(people, { minFaces: 10, maxFaces: 50, seed: 100 + r, minReal: 4 })]);
  }
  const many = manyFacesEach(people, { people: 24, min: 100, max: 900, seed: 1 });
  out.push(['people with 100–900 faces', many]);
  out.push(['… with 2 % strays', withStrays(many, 0.02, 7)]);
  out.push(['… with 10 % duplicates', withDuplicates(many, 0.1, 8)]);
  out.push(['strangers', strangers(people, { n: 2000, seed: 2 })]);
  return out;
}

/** The majority truth label of each predicted cluster. */
function majorities(truth: Int32Array, pred: Int32Array): Map<number, number> {
  const counts = new Map<number, Map<number, number>>();
  pred.forEach((p, i) => {
    const c = counts.get(p) ?? new Map<number, number>();
    counts.set(p, c);
    c.set(truth[i]!, (c.get(truth[i]!) ?? 0) + 1);
  });
  const out = new Map<number, number>();
  for (const [p, c] of counts) out.set(p, [...c].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0]);
  return out;
}

const truthOf = (q: Question, truth: Int32Array, major: Map<number, number>) =>
  q.kind === 'same' ? major.get(q.a) === major.get(q.b) : truth[q.face] === major.get(q.cluster);

const NS = [0, 5, 10, 20, 50];
type Row = { ranked: number[]; random: number[]; count: number };
const table = new Map<string, Row>();
const fitData: Record<'same' | 'belongs', { z: number; share: number; y: number }[]> = { same: [], belongs: [] };

for (const [source, people] of sources) {
  for (const [shape, c] of shapes(people)) {
    const unit = l2Normalize(c.features);
    const knn = await buildKnn(unit, { k: Math.min(80, c.features.n - 1), normalized: true });
    const clustered = await clusterFaces(unit, { knn, normalized: true });
    const pred = clustered.labels;
    const major = majorities(c.labels, pred);
    const options = { normalized: true, ...(clustered.linkThreshold ? { linkThreshold: clustered.linkThreshold } : {}) };
    // every candidate, for the calibration and the random questions; the ranked ones as review chooses them
    const all: Evidence[] = await reviewWithEvidence(unit, pred, { ...options, limit: Infinity, everyCandidate: true });
    if (flags.fit) {
      const ev = evaluate(c.labels, pred).bcubed.f;
      const sameZ = all.filter((e) => e.question.kind === 'same');
      const zs = (y: boolean) => sameZ.filter((e) => truthOf(e.question, c.labels, major) === y).map((e) => e.z).sort((a, b) => a - b);
      const med = (a: number[]) => a.length ? a[Math.floor(a.length / 2)]!.toFixed(2) : '-';
      process.stderr.write(`${source} | ${shape}: n ${c.features.n} F ${ev.toFixed(3)} cut ${clustered.threshold?.toFixed(3)} ${clustered.linkThreshold?.how} scale ${clustered.linkThreshold?.scale.toFixed(3)}; same z true ${zs(true).length} med ${med(zs(true))}, false ${zs(false).length} med ${med(zs(false))}\n`);
      // a clustering that failed as a whole (a cut misread) says nothing of its links' evidence
      if (ev < 0.5) continue;
      for (const e of all) fitData[e.question.kind].push({ z: e.z, share: e.share, y: truthOf(e.question, c.labels, major) ? 1 : 0 });
      continue;
    }
    const answer = (qs: Question[]): number => {
      const answers: Answer[] = qs.map((q) => ({ id: q.id, answer: truthOf(q, c.labels, major) ? 'yes' : 'no' }));
      return evaluate(c.labels, applyAnswers(pred, qs, answers).labels).bcubed.f;
    };
    const ranked = (await reviewWithEvidence(unit, pred, { ...options, limit: Math.max(...NS) })).map((e) => e.question);
    const pool = { same: all.filter((e) => e.question.kind === 'same'), belongs: all.filter((e) => e.question.kind === 'belongs') };
    const row = table.get(`${source} | ${shape}`) ?? { ranked: NS.map(() => 0), random: NS.map(() => 0), count: 0 };
    table.set(`${source} | ${shape}`, row);
    row.count++;
    NS.forEach((N, t) => {
      const first = ranked.slice(0, N);
      row.ranked[t]! += answer(first);
      // as many random questions of each kind as the ranked first N hold
      let sum = 0;
      for (let draw = 0; draw < 5; draw++) {
        const random = seededRandom(1000 * draw + N);
        const pick = (list: Evidence[], count: number) => Array.from(shuffledRange(list.length, random).subarray(0, count), (i) => list[i]!.question);
        const qs = [...pick(pool.same, first.filter((q) => q.kind === 'same').length), ...pick(pool.belongs, first.filter((q) => q.kind === 'belongs').length)];
        sum += answer(randomized(qs));
      }
      row.random[t]! += sum / 5;
    });
    process.stderr.write(`${source} | ${shape}: n ${c.features.n}, ${all.length} candidates, F ${NS.map((_, t) => row.ranked[t]!.toFixed(3)).join(' ')}\n`);
  }
}

/** Questions numbered afresh (ids must be unique among those answered: the pools share the review's). */
function randomized(qs: Question[]): Question[] {
  return qs.map((q, id) => ({ ...q, id }));
}

if (flags.fit) {
  for (const kind of ['same', 'belongs'] as const) {
    const l = fitLogistic(fitData[kind]);
    const pos = fitData[kind].filter((d) => d.y === 1).length;
    const bins = new Map<number, [number, number]>();
    for (const { z, y } of fitData[kind]) {
      const b = Number.isFinite(z) ? Math.max(-8, Math.min(8, Math.round(z * 2) / 2)) : -99;
      const c = bins.get(b) ?? [0, 0]; c[0]++; c[1] += y; bins.set(b, c);
    }
    console.log([...bins].sort((a, b) => a[0] - b[0]).map(([b, [n, y]]) => `${b}: ${n} ${(y / n).toFixed(2)}`).join('; '));
    console.log(`${kind}: ${fitData[kind].length} candidates (${pos} true), bias ${l.bias.toFixed(3)}, slope ${l.slope.toFixed(3)}, weight ${l.weight.toFixed(3)}`);
  }
} else {
  console.log(`| source | shape | ${NS.map((N) => `${N} answers`).join(' | ')} |`);
  console.log(`| --- | --- | ${NS.map(() => '---').join(' | ')} |`);
  for (const [row, r] of table) {
    console.log(`| ${row} | ${NS.map((_, t) => t === 0 ? (r.ranked[t]! / r.count).toFixed(3) : `${(r.ranked[t]! / r.count).toFixed(3)} (random ${(r.random[t]! / r.count).toFixed(3)})`).join(' | ')} |`);
  }
}

/**
 * Logistic regression of y on z by Newton's method, over z in [−3, 3] (where questions are
 * decided), each half-unit bin of z weighted alike: the thousands of clear cases far from the
 * cut would otherwise drown the few near it.
 */
function fitLogistic(data: { z: number; share: number; y: number }[]): Logistic {
  const near = data.filter((d) => d.z >= -3 && d.z <= 3);
  const bin = (z: number) => Math.round(z * 2);
  const count = new Map<number, number>();
  for (const { z } of near) count.set(bin(z), (count.get(bin(z)) ?? 0) + 1);
  const b = [0, 0, 0];
  for (let iter = 0; iter < 100; iter++) {
    const g = [0, 0, 0], h = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (const { z, share, y } of near) {
      const x = [1, z, share];
      const weight = 1 / count.get(bin(z))!;
      const p = 1 / (1 + Math.exp(-(b[0]! + b[1]! * z + b[2]! * share)));
      for (let r = 0; r < 3; r++) {
        g[r]! += weight * (y - p) * x[r]!;
        for (let c = 0; c < 3; c++) h[r]![c]! += weight * p * (1 - p) * x[r]! * x[c]!;
      }
    }
    const d = solve3(h, g);
    if (!d) break;
    for (let r = 0; r < 3; r++) b[r]! += d[r]!;
    if (d.reduce((a, x) => a + Math.abs(x), 0) < 1e-10) break;
  }
  return { bias: b[0]!, slope: b[1]!, weight: b[2]! };
}

/** h·x = g by Cramer's rule; undefined when h is singular. */
function solve3(h: number[][], g: number[]): number[] | undefined {
  const det = (m: number[][]) =>
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!)
    - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!)
    + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const d = det(h);
  if (!(Math.abs(d) > 1e-300)) return undefined;
  return [0, 1, 2].map((col) => det(h.map((row, r) => row.map((v, c) => (c === col ? g[r]! : v)))) / d);
}
