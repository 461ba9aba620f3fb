#!/usr/bin/env node
/** The `facecluster` command: the only module that reads argv, prints and sets the exit code. */
import { FaceclusterError } from '../errors.js';
import { helpText, parseOptions } from './args.js';
import { COMMANDS } from './commands/index.js';
import { inCliTerms } from './format.js';

function usage(): string {
  return ['facecluster: face clustering by linkage (L-GCN, Wang et al. CVPR 2019)', '', 'commands:',
    ...COMMANDS.map(({ spec }) => `  ${spec.name.padEnd(10)} ${spec.summary}`), '', "'facecluster COMMAND --help' for a command's options"].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const name = args[0];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find(({ spec }) => spec.name === name);
  try {
    if (!command) throw new FaceclusterError('BAD_OPTION', `unknown command '${name}' (commands: ${COMMANDS.map(({ spec }) => spec.name).join(', ')})`);
    const parsed = parseOptions(args.slice(1), command.spec);
    if (parsed.help) {
      console.log(helpText(command.spec));
      return 0;
    }
    await command.run(parsed.options, parsed.positionals);
    return 0;
  } catch (e) {
    if (e instanceof FaceclusterError) {
      console.error(`facecluster: ${inCliTerms(e.message)}`);
      if (verbose) console.error(e.stack);
      // 2: input the user can fix; 1: an operation that failed
      return e.code === 'FAILED' ? 1 : 2;
    }
    console.error(`facecluster: internal error: ${(e as Error)?.message ?? String(e)}${verbose ? '' : ' (run with --verbose for details)'}`);
    if (verbose) console.error((e as Error)?.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
