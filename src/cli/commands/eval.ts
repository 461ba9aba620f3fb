import { fail } from '../../errors.js';
import { readLabels } from '../../io/index.js';
import { evaluate } from '../../metrics/index.js';
import { defineCommand, defineOptions, type OptionValues } from '../args.js';
import { formatEvaluation } from '../format.js';

const EVAL_OPTIONS = defineOptions({
  labels: { type: 'string', help: 'true identities (.npy or .meta)', required: true },
  pred: { type: 'string', help: 'predicted clusters (.npy or .meta)', required: true },
  json: { type: 'boolean', help: 'print one JSON object' },
});

export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'score predicted clusters against true identities',
  usage: 'eval --labels L.npy --pred P.npy [--json]',
  options: EVAL_OPTIONS,
}, runEval);

function runEval(o: OptionValues<typeof EVAL_OPTIONS>): void {
  const labels = readLabels(o.labels);
  const pred = readLabels(o.pred);
  if (pred.length !== labels.length) fail('SHAPE_MISMATCH', `has ${pred.length} predictions but ${o.labels} has ${labels.length} labels`, o.pred);
  if (labels.length === 0) fail('BAD_VALUE', 'no labels to evaluate', o.labels);
  const ev = evaluate(labels, pred);
  console.log(o.json ? JSON.stringify(ev) : formatEvaluation(ev));
}
