import { fail } from '../../errors.js';
import { writeFileAtomic } from '../../io/index.js';
import { REVIEW_DEFAULTS, reviewQuestions } from '../../review/index.js';
import { DESCRIPTORS_OPTION, FEATURE_OPTIONS, QUIET_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { descriptorsFrom, loadConstraints, loadFaces, loadFeatures, loadLabels } from '../inputs.js';

const REVIEW_OPTIONS = defineOptions({
  ...FEATURE_OPTIONS,
  clusters: { type: 'string', help: 'the clustering to review (cluster --out)', required: true },
  out: { type: 'string', help: 'the questions, most valuable first, as {"questions": [...]} (.json)', required: true },
  faces: { type: 'string', help: 'faces.json of the features (its "model" names the descriptors; faces named by photo in --constraints)' },
  limit: { type: 'integer', min: 0, default: REVIEW_DEFAULTS.limit, help: 'questions asked' },
  k: { type: 'integer', min: 1, default: REVIEW_DEFAULTS.k, help: 'neighbours a face, for the links questions are read from' },
  constraints: { type: 'string', help: 'answers given before (apply --constraints-out): nothing they settle is asked again' },
  json: { type: 'boolean', help: 'print a summary as one JSON object' },
  ...DESCRIPTORS_OPTION,
  ...QUIET_OPTION,
});

export const reviewCommand = defineCommand({
  name: 'review',
  summary: 'the yes/no questions whose answers would improve a clustering most',
  usage: 'review --features F.npy --clusters PRED.npy --out QUESTIONS.json [--faces faces.json] [--limit N] [--constraints C.json]',
  options: REVIEW_OPTIONS,
}, runReview);

async function runReview(o: OptionValues<typeof REVIEW_OPTIONS>): Promise<void> {
  const out = o.out;
  if (!out.toLowerCase().endsWith('.json')) fail('UNSUPPORTED', 'the questions are written as .json', out);
  const started = performance.now();
  const features = loadFeatures(o.features, o.dim);
  const clusters = loadLabels(o.clusters, features.n);
  const faces = loadFaces(o.faces, features.n);
  const answered = o.constraints === undefined ? undefined : loadConstraints(o.constraints, features.n, faces, o.quiet);
  const descriptors = descriptorsFrom(o, faces);
  const questions = await reviewQuestions(features, clusters, {
    limit: o.limit,
    k: o.k,
    ...(descriptors !== undefined ? { descriptors } : {}),
    ...(answered ? { answered } : {}),
  });
  const lines = questions.map((q) => `    ${JSON.stringify({ ...q, score: Number(q.score.toPrecision(4)) })}`);
  writeFileAtomic(out, [new TextEncoder().encode(`{\n  "questions": [\n${lines.join(',\n')}\n  ]\n}\n`)]);
  const same = questions.filter((q) => q.kind === 'same').length;
  const gain = questions.reduce((a, q) => a + q.score, 0);
  const summary = { faces: features.n, questions: questions.length, same, belongs: questions.length - same, expectedGain: Number(gain.toPrecision(4)),
    seconds: (performance.now() - started) / 1000 };
  if (o.json) console.log(JSON.stringify({ summary }));
  if (!o.quiet) console.error(`facecluster: ${summary.questions} questions about ${summary.faces} faces (${same} "same", ${summary.belongs} "belongs"): answered, expected to raise B-Cubed F by about ${gain.toFixed(4)}; ${summary.seconds.toFixed(1)} s`);
}
