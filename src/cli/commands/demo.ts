import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseOptions, QUIET_OPTION, defineCommand, defineOptions, type OptionValues } from '../args.js';
import { clusterCommand } from './cluster.js';
import { METHODS } from '../../pipeline/cluster.js';
import { BUNDLED_DATA } from '../../assets.node.js';

const DEMO_OPTIONS = defineOptions({
  method: { type: 'string', choices: METHODS, help: 'clustering method (default: as cluster\'s)' },
  out: { type: 'string', default: 'out/lfw-test.pred.npy', help: 'where the predicted clusters go' },
  json: { type: 'boolean', help: 'print the metrics as one JSON object' },
  ...QUIET_OPTION,
});

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'cluster the bundled LFW test faces and score the result',
  usage: 'demo [--method M] [--out PRED.npy] [--json]',
  options: DEMO_OPTIONS,
}, runDemo);

/** cluster on the bundled data set (LFW test identities, 6,929 faces, 128-d descriptors), through cluster's own options and checks. */
async function runDemo(o: OptionValues<typeof DEMO_OPTIONS>): Promise<void> {
  const out = o.out;
  mkdirSync(dirname(out), { recursive: true });
  const argv = ['--features', `${BUNDLED_DATA}lfw-test.feats.npy`, '--labels', `${BUNDLED_DATA}lfw-test.labels.npy`, '--out', out];
  if (o.method !== undefined) argv.push('--method', o.method);
  if (o.json) argv.push('--json');
  if (o.quiet) argv.push('--quiet');
  if (!o.json) console.log(`facecluster demo: ${o.method ?? 'default'} clustering of ${BUNDLED_DATA}lfw-test.feats.npy → ${out}`);
  await clusterCommand.run(parseOptions(argv, clusterCommand.spec).options, []);
}
