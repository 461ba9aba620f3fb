/**
 * Declarative command-line options on top of node:util's parseArgs: each command lists its
 * options with a type, a default and a line of help; parsing checks types and ranges and
 * produces one-line errors (FaceclusterError, code BAD_OPTION).
 */
import { parseArgs } from 'node:util';
import { fail } from '../errors.js';
import { HNSW_CROSSOVER, HNSW_DEFAULTS, KNN_METHODS } from '../knn/index.js';

export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'integers';

export interface OptionSpec {
  type: OptionType;
  help: string;
  default?: string | number | boolean | number[];
  /** For 'string': the allowed values. */
  choices?: readonly string[];
  /** For 'integers': how many values follow the flag (e.g. `--k-at-hop 80 5`). */
  count?: number;
  /** For numbers: the meaningful range, bounds included unless named open. */
  min?: number;
  max?: number;
  /** For numbers: bounds that are themselves not allowed (a step of 0, a learning rate of 0). */
  above?: number;
  below?: number;
  required?: boolean;
}

/** A table of options, flag name to spec. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  usage: string;
  options: O;
  /** Whether positional arguments are taken (e.g. photo paths). */
  positionals?: string;
}

/** What an option's spec parses to: a string (one of its choices), a number, a flag, or whole numbers. */
export type OptionValue<S extends OptionSpec> = S extends { type: 'boolean' } ? boolean
  : S extends { type: 'integers' } ? number[]
  : S extends { type: 'number' | 'integer' } ? number
  : S extends { choices: readonly (infer C extends string)[] } ? C : string;

/** The parsed options of a table: a flag is always true or false; an option with a default or required always has a value. */
export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]: O[K] extends { type: 'boolean' } | { required: true } | { default: string | number | readonly number[] }
    ? OptionValue<O[K]> : OptionValue<O[K]> | undefined;
};

/** An option table with its literal types kept (the flag names, their types and choices), so that its values are typed. */
export function defineOptions<const O extends OptionSpecs>(options: O): O {
  return Object.freeze(options);
}

/** A command: its spec, and what it runs with the options as its table types them. */
export interface Command {
  spec: CommandSpec;
  run(options: ParsedOptions, positionals: string[]): void | Promise<void>;
}

export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>,
  run: (options: OptionValues<O>, positionals: string[]) => void | Promise<void>): Command {
  // parseOptions gives each option of the table a value of its spec's type (OptionValues)
  return { spec, run: run as (options: ParsedOptions, positionals: string[]) => void | Promise<void> };
}

/** Options several commands share, spread into their option tables. */
export const FEATURE_OPTIONS = defineOptions({
  features: { type: 'string', help: 'face features, N×D (.npy, or .bin with --dim)', required: true },
  dim: { type: 'integer', min: 1, help: 'row width of .bin features' },
});
/** How a kNN graph is searched: the commands that build one share these. */
export const KNN_SEARCH_OPTIONS = defineOptions({
  'knn-method': { type: 'string', choices: KNN_METHODS, default: 'auto', help: `exact search, or an approximate HNSW graph; auto: exact below about ${Math.round(Math.sqrt(HNSW_CROSSOVER / 512) / 1000)}k faces of 512-d (more at lower widths), where it is faster` },
  'hnsw-m': { type: 'integer', min: 2, default: HNSW_DEFAULTS.connectivity, help: 'hnsw: links per face (M)' },
  'hnsw-ef-construction': { type: 'integer', min: 1, default: HNSW_DEFAULTS.expansionAdd, help: 'hnsw: candidates kept while building (efConstruction)' },
  'hnsw-ef': { type: 'integer', min: 1, default: HNSW_DEFAULTS.expansionSearch, help: 'hnsw: candidates kept while searching (ef)' },
  'index-out': { type: 'string', help: 'hnsw: save the index (for assign --index)' },
});
export const QUIET_OPTION = defineOptions({ quiet: { type: 'boolean', help: 'no progress display' } });

/**
 * How many cores a command may use, whatever it runs on them: engine threads (knn, train, a
 * queue worker's jobs), worker threads (the GCN's scoring, embed's photos), HNSW's threads.
 */
export const THREADS_OPTION = defineOptions({
  threads: { type: 'integer', min: 1, help: 'cores to use (default: all)' },
});

/** The engine of the GCN's and the kNN search's products (cluster, assign, train). */
export const BACKEND_OPTION = defineOptions({
  backend: { type: 'string', choices: ['onnx', 'js'], default: 'onnx', help: 'matrix engine: onnxruntime, or plain TypeScript (much slower)' },
});

/** The descriptor model behind --threshold auto (cluster, assign); read by descriptorsFrom. */
export const DESCRIPTORS_OPTION = defineOptions({
  descriptors: { type: 'string', help: 'the descriptor model, whose measured impostor similarities back --threshold auto: face-api, or unknown to read everything off the collection (default: the "model" of --faces where there is one, else recognised from the descriptors)' },
});

export type ParsedOptions = Record<string, string | number | boolean | number[] | undefined>;

export function helpText(cmd: CommandSpec): string {
  const lines = [`facecluster ${cmd.name}: ${cmd.summary}`, '', `usage: facecluster ${cmd.usage}`, '', 'options:'];
  for (const [name, o] of Object.entries(cmd.options)) {
    const arg = o.type === 'boolean' ? '' : o.type === 'integers' ? ` ${Array(o.count ?? 1).fill('N').join(' ')}` : o.choices ? ` ${o.choices.join('|')}` : o.type === 'string' ? ' VALUE' : ' N';
    const def = o.default === undefined || o.default === false ? '' : ` (default ${Array.isArray(o.default) ? o.default.join(' ') : o.default})`;
    lines.push(`${`  --${name}${arg}`.padEnd(34)} ${o.help}${def}${o.required ? ' (required)' : ''}`);
  }
  lines.push(`${'  --help'.padEnd(34)} show this help`);
  if (cmd.positionals) lines.push('', `arguments: ${cmd.positionals}`);
  return lines.join('\n');
}

/**
 * Flags that take several values are joined into one comma-separated value before parsing, and a
 * value that starts with '-' (a negative number) is attached to its flag, so that it reaches the
 * range check instead of being read as another option.
 */
function joinValues(argv: string[], cmd: CommandSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.startsWith('--') ? argv[i]!.slice(2) : '';
    const spec = cmd.options[name];
    if (!spec || spec.type === 'boolean' || argv[i]!.includes('=') || i + 1 >= argv.length) {
      out.push(argv[i]!);
    } else if (spec.type === 'integers' && (spec.count ?? 1) > 1) {
      const values = argv.slice(i + 1, i + 1 + spec.count!);
      out.push(`${argv[i]!}=${values.join(',')}`);
      i += values.length;
    } else {
      out.push(`${argv[i]!}=${argv[i + 1]!}`);
      i++;
    }
  }
  return out;
}

/** `--name must be in [lo, hi]`-style bounds of a spec, as text. */
function rangeText(o: OptionSpec): string {
  const lo = o.above !== undefined ? `(${o.above}` : o.min !== undefined ? `[${o.min}` : '(-∞';
  const hi = o.below !== undefined ? `${o.below})` : o.max !== undefined ? `${o.max}]` : '∞)';
  return `${lo}, ${hi}`;
}

/** Refuses a number outside the spec's range, naming the option. */
export function checkRange(name: string, o: OptionSpec, x: number): number {
  const bad = (o.min !== undefined && x < o.min) || (o.max !== undefined && x > o.max)
    || (o.above !== undefined && x <= o.above) || (o.below !== undefined && x >= o.below);
  if (!bad) return x;
  if (o.type !== 'number' && o.min !== undefined && o.max === undefined) fail('BAD_OPTION', `--${name} must be at least ${o.min}, got ${x}`);
  fail('BAD_OPTION', `--${name} must be in ${rangeText(o)}, got ${x}`);
}

export function parseOptions(argv: string[], cmd: CommandSpec): { options: ParsedOptions; positionals: string[]; help: boolean } {
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, o] of Object.entries(cmd.options)) config[name] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinValues(argv, cmd), options: config, allowPositionals: true, strict: true });
  } catch (e) {
    fail('BAD_OPTION', `${(e as Error).message.split('\n')[0]} (see 'facecluster ${cmd.name} --help')`);
  }
  if (parsed.values.help) return { options: {}, positionals: [], help: true };
  if (parsed.positionals.length > 0 && !cmd.positionals) fail('BAD_OPTION', `unexpected argument '${parsed.positionals[0]}' (see 'facecluster ${cmd.name} --help')`);
  const options: ParsedOptions = {};
  for (const [name, o] of Object.entries(cmd.options)) {
    const raw = parsed.values[name];
    if (raw === undefined) {
      if (o.required) fail('BAD_OPTION', `--${name} is required (see 'facecluster ${cmd.name} --help')`);
      options[name] = o.type === 'boolean' ? false : o.default;
      continue;
    }
    options[name] = convertValue(name, o, raw);
  }
  return { options, positionals: parsed.positionals, help: false };
}

function convertValue(name: string, o: OptionSpec, raw: string | boolean): string | number | boolean | number[] {
  // parseArgs gives flags as booleans, everything else as strings
  if (o.type === 'boolean' || typeof raw === 'boolean') return raw === true;
  const s = raw;
  switch (o.type) {
    case 'string':
      if (o.choices && !o.choices.includes(s)) fail('BAD_OPTION', `--${name} must be one of ${o.choices.join(', ')}, got '${s}'`);
      return s;
    case 'number': {
      const x = Number(s);
      if (s.trim() === '' || !Number.isFinite(x)) fail('BAD_OPTION', `--${name} expects a number, got '${s}'`);
      return checkRange(name, o, x);
    }
    case 'integer': {
      if (!/^-?\d+$/.test(s)) fail('BAD_OPTION', `--${name} expects an integer, got '${s}'`);
      return checkRange(name, o, Number(s));
    }
    case 'integers': {
      const parts = s.split(',');
      if (parts.length !== (o.count ?? 1) || parts.some((p) => !/^\d+$/.test(p))) {
        fail('BAD_OPTION', `--${name} expects ${o.count ?? 1} whole numbers, got '${s.replace(/,/g, ' ')}'`);
      }
      return parts.map((p) => checkRange(name, o, Number(p)));
    }
  }
}
