import { existsSync } from 'node:fs';
import { fail } from '../../errors.js';
import { checkLabelsPath, constraintsFile, formatConstraints, mergeConstraints, parseConstraints, readLabels, readText, writeFileAtomic, writeLabels } from '../../io/index.js';
import { applyAnswers, parseAnswers, parseQuestions } from '../../review/index.js';
import { QUIET_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { loadFaces } from '../inputs.js';

const APPLY_OPTIONS = defineOptions({
  clusters: { type: 'string', help: 'the clustering the questions were asked of', required: true },
  questions: { type: 'string', help: 'review --out', required: true },
  answers: { type: 'string', help: '[{"id": 0, "answer": "yes"}, {"id": 1, "answer": "no"}, …]', required: true },
  out: { type: 'string', help: 'the clustering with the answers applied (.npy or .meta)', required: true },
  'constraints-out': { type: 'string', help: 'add the answers, as must-link and cannot-link pairs, to this file (made when missing): cluster, assign and review --constraints keep them' },
  faces: { type: 'string', help: 'faces.json of the clustered faces: --constraints-out names faces by photo and box, so the answers outlive a new embed run' },
  json: { type: 'boolean', help: 'print a summary as one JSON object' },
  ...QUIET_OPTION,
});

export const applyCommand = defineCommand({
  name: 'apply',
  summary: 'apply answers to review questions, and keep them for later clusterings',
  usage: 'apply --clusters PRED.npy --questions QUESTIONS.json --answers ANSWERS.json --out NEW.npy [--constraints-out C.json] [--faces faces.json]',
  options: APPLY_OPTIONS,
}, runApply);

function runApply(o: OptionValues<typeof APPLY_OPTIONS>): void {
  checkLabelsPath(o.out);
  const constraintsOut = o['constraints-out'];
  if (constraintsOut !== undefined && !constraintsOut.toLowerCase().endsWith('.json')) fail('UNSUPPORTED', 'constraints are written as .json', constraintsOut);
  const questions = parseQuestions(readText(o.questions), o.questions);
  const answers = parseAnswers(readText(o.answers), o.answers);
  const clusters = readLabels(o.clusters);
  const faces = loadFaces(o.faces, clusters.length);
  // the constraints file to add to is read before anything is written: a bad one leaves no output
  const before = constraintsOut !== undefined && existsSync(constraintsOut)
    ? parseConstraints(readText(constraintsOut), constraintsOut) : { mustLink: [], cannotLink: [] };
  const applied = applyAnswers(clusters, questions, answers);
  writeLabels(o.out, applied.labels);
  if (constraintsOut !== undefined) {
    const merged = mergeConstraints(before, constraintsFile(applied.constraints, faces));
    writeFileAtomic(constraintsOut, [new TextEncoder().encode(formatConstraints(merged))]);
  }
  const yes = answers.filter((a) => a.answer === 'yes').length;
  const summary = { answers: answers.length, yes, no: answers.length - yes, merged: applied.merged, moved: applied.moved,
    clusters: new Set(applied.labels).size };
  if (o.json) console.log(JSON.stringify({ summary }));
  if (!o.quiet) console.error(`facecluster: ${summary.answers} answers (${yes} yes, ${summary.no} no): ${applied.merged} clusters merged away, ${applied.moved} faces taken out; ${summary.clusters} clusters`);
}
