import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseOptions, QUIET_OPTION, type CommandSpec, type ParsedOptions } from '../args.js';
import { clusterCommand, runCluster } from './cluster.js';
import { BUNDLED_DATA } from '../../assets.node.js';

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'cluster the bundled LFW test faces and score the result',
  usage: 'demo [--method M] [--out PRED.npy] [--json]',
  options: {
    method: { type: 'string', choices: clusterCommand.options.method!.choices!, help: 'clustering method (default: as cluster\'s)' },
    out: { type: 'string', default: 'out/lfw-test.pred.npy', help: 'where the predicted clusters go' },
    json: { type: 'boolean', help: 'print the metrics as one JSON object' },
    ...QUIET_OPTION,
  },
};

/** cluster on the bundled data set (LFW test identities, 6,929 faces, 128-d descriptors), through cluster's own options and checks. */
export async function runDemo(o: ParsedOptions): Promise<void> {
  const out = o.out as string;
  mkdirSync(dirname(out), { recursive: true });
  const argv = ['--features', `${BUNDLED_DATA}lfw-test.feats.npy`, '--labels', `${BUNDLED_DATA}lfw-test.labels.npy`, '--out', out];
  if (o.method !== undefined) argv.push('--method', o.method as string);
  if (o.json) argv.push('--json');
  if (o.quiet) argv.push('--quiet');
  if (!o.json) console.log(`facecluster demo: ${(o.method as string | undefined) ?? 'default'} clustering of ${BUNDLED_DATA}lfw-test.feats.npy → ${out}`);
  await runCluster(parseOptions(argv, clusterCommand).options);
}
