import { existsSync } from 'node:fs';
import { fail } from '../../errors.js';
import { checkLabelsPath, constraintsFile, formatConstraints, mergeConstraints, parseConstraints, readLabels, readText, writeFileAtomic, writeLabels } from '../../io/index.js';
import { applyAnswers, parseAnswers, parseQuestions } from '../../review/index.js';
import { QUIET_OPTION, type CommandSpec, type ParsedOptions } from '../args.js';
import { loadFaces } from '../inputs.js';

export const applyCommand: CommandSpec = {
  name: 'apply',
  summary: 'apply answers to review questions, and keep them for later clusterings',
  usage: 'apply --clusters PRED.npy --questions QUESTIONS.json --answers ANSWERS.json --out NEW.npy [--constraints-out C.json] [--faces faces.json]',
  options: {
    clusters: { type: 'string', help: 'the clustering the questions were asked of', required: true },
    questions: { type: 'string', help: 'review --out', required: true },
    answers: { type: 'string', help: '[{"id": 0, "answer": "yes"}, {"id": 1, "answer": "no"}, …]', required: true },
    out: { type: 'string', help: 'the clustering with the answers applied (.npy or .meta)', required: true },
    'constraints-out': { type: 'string', help: 'add the answers, as must-link and cannot-link pairs, to this file (made when missing): cluster, assign and review --constraints keep them' },
    faces: { type: 'string', help: 'faces.json of the clustered faces: --constraints-out names faces by photo and box, so the answers outlive a new embed run' },
    json: { type: 'boolean', help: 'print a summary as one JSON object' },
    ...QUIET_OPTION,
  },
};

export function runApply(o: ParsedOptions): void {
  checkLabelsPath(o.out as string);
  const constraintsOut = o['constraints-out'] as string | undefined;
  if (constraintsOut !== undefined && !constraintsOut.toLowerCase().endsWith('.json')) fail('UNSUPPORTED', 'constraints are written as .json', constraintsOut);
  const questions = parseQuestions(readText(o.questions as string), o.questions as string);
  const answers = parseAnswers(readText(o.answers as string), o.answers as string);
  const clusters = readLabels(o.clusters as string);
  const faces = loadFaces(o.faces as string | undefined, clusters.length);
  // the constraints file to add to is read before anything is written: a bad one leaves no output
  const before = constraintsOut !== undefined && existsSync(constraintsOut)
    ? parseConstraints(readText(constraintsOut), constraintsOut) : { mustLink: [], cannotLink: [] };
  const applied = applyAnswers(clusters, questions, answers);
  writeLabels(o.out as string, applied.labels);
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
