#!/usr/bin/env node
/** The `facecluster` command: the only module that reads argv, prints and sets the exit code. */
import { FaceclusterError } from '../errors.js';
import { helpText, parseOptions, type CommandSpec, type ParsedOptions } from './args.js';
import { assignCommand, runAssign } from './commands/assign.js';
import { clusterCommand, runCluster } from './commands/cluster.js';
import { demoCommand, runDemo } from './commands/demo.js';
import { embedCommand, runEmbed } from './commands/embed.js';
import { evalCommand, runEval } from './commands/eval.js';
import { exportCommand, runExport } from './commands/export.js';
import { importTorchCommand, runImportTorch } from './commands/import-torch.js';
import { knnCommand, runKnn } from './commands/knn.js';
import { reportCommand, runReport } from './commands/report.js';
import { runTrain, trainCommand } from './commands/train.js';
import { runWorker, workerCommand } from './commands/worker.js';

const COMMANDS: [CommandSpec, (o: ParsedOptions, positionals: string[]) => void | Promise<void>][] = [
  [demoCommand, runDemo],
  [knnCommand, runKnn],
  [clusterCommand, runCluster],
  [evalCommand, runEval],
  [trainCommand, runTrain],
  [exportCommand, runExport],
  [importTorchCommand, runImportTorch],
  [assignCommand, runAssign],
  [reportCommand, runReport],
  [embedCommand, runEmbed],
  [workerCommand, runWorker],
];

function usage(): string {
  return ['facecluster: face clustering by linkage (L-GCN, Wang et al. CVPR 2019)', '', 'commands:',
    ...COMMANDS.map(([c]) => `  ${c.name.padEnd(10)} ${c.summary}`), '', "'facecluster COMMAND --help' for a command's options"].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const name = args[0];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find(([c]) => c.name === name);
  try {
    if (!entry) throw new FaceclusterError('BAD_OPTION', `unknown command '${name}' (commands: ${COMMANDS.map(([c]) => c.name).join(', ')})`);
    const [spec, run] = entry;
    const parsed = parseOptions(args.slice(1), spec);
    if (parsed.help) {
      console.log(helpText(spec));
      return 0;
    }
    await run(parsed.options, parsed.positionals);
    return 0;
  } catch (e) {
    if (e instanceof FaceclusterError) {
      console.error(`facecluster: ${e.message}`);
      if (verbose) console.error(e.stack);
      return 2;
    }
    console.error(`facecluster: internal error: ${(e as Error)?.message ?? String(e)}${verbose ? '' : ' (run with --verbose for details)'}`);
    if (verbose) console.error((e as Error)?.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
