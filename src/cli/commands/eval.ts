import { fail } from '../../errors.js';
import { readLabels } from '../../io/index.js';
import { evaluate } from '../../metrics/index.js';
import type { CommandSpec, ParsedOptions } from '../args.js';
import { formatEvaluation } from '../format.js';

export const evalCommand: CommandSpec = {
  name: 'eval',
  summary: 'score predicted clusters against true identities',
  usage: 'eval --labels L.npy --pred P.npy [--json]',
  options: {
    labels: { type: 'string', help: 'true identities (.npy or .meta)', required: true },
    pred: { type: 'string', help: 'predicted clusters (.npy or .meta)', required: true },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
};

export function runEval(o: ParsedOptions): void {
  const labels = readLabels(o.labels as string);
  const pred = readLabels(o.pred as string);
  if (pred.length !== labels.length) fail('SHAPE_MISMATCH', `has ${pred.length} predictions but ${o.labels} has ${labels.length} labels`, o.pred as string);
  if (labels.length === 0) fail('BAD_VALUE', 'no labels to evaluate', o.labels as string);
  const ev = evaluate(labels, pred);
  console.log(o.json ? JSON.stringify(ev) : formatEvaluation(ev));
}
