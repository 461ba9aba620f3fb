/**
 * Every option of every command, checked like a file: a value outside its range (or not among
 * its choices) is refused before any input is read, in one line that names the option.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseOptions, type CommandSpec, type OptionSpec } from '../../src/cli/args.js';
import { FaceclusterError } from '../../src/errors.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { ROOT } from '../helpers.js';
import { inCliTerms } from '../../src/cli/format.js';
import { checkEnoughFaces, checkIpsOptions } from '../../src/ips/index.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
/** Inputs that do not exist: an option error must come before any of them is opened. */
const MISSING = '/nonexistent/facecluster-input';

function run(args: string[]): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

/** The command's required options (and positionals), filled with paths that do not exist. */
function requiredArgs(cmd: CommandSpec, except: string): string[] {
  const args: string[] = [];
  for (const [name, o] of Object.entries(cmd.options)) {
    if (!o.required || name === except) continue;
    args.push(`--${name}`, name === 'queue' ? 'redis://127.0.0.1:1' : `${MISSING}.npy`);
  }
  if (cmd.positionals) args.push(MISSING);
  return args;
}

/** Values just outside an option's range; numbers of the wrong kind. */
function badValues(o: OptionSpec): string[] {
  const out: string[] = [];
  if (o.min !== undefined) out.push(String(o.min - (o.type === 'number' ? 0.001 : 1)));
  if (o.above !== undefined) out.push(String(o.above));
  if (o.max !== undefined) out.push(String(o.max + (o.type === 'number' ? 0.001 : 1)));
  if (o.below !== undefined) out.push(String(o.below));
  if (o.type === 'integer') out.push('2.5');
  if (o.type === 'number') out.push('abc');
  return out;
}

const cases: { cmd: CommandSpec; name: string; value: string[] }[] = [];
for (const { spec: cmd } of COMMANDS) {
  for (const [name, o] of Object.entries(cmd.options)) {
    if (o.type === 'number' || o.type === 'integer') for (const v of badValues(o)) cases.push({ cmd, name, value: [v] });
    if (o.type === 'integers') for (const v of badValues(o)) cases.push({ cmd, name, value: Array(o.count ?? 1).fill(v) });
    if (o.choices) cases.push({ cmd, name, value: ['no-such-choice'] });
  }
}

test('every numeric option has a range', () => {
  for (const { spec: cmd } of COMMANDS) {
    for (const [name, o] of Object.entries(cmd.options)) {
      if (o.type === 'number' || o.type === 'integer' || o.type === 'integers') {
        assert.ok([o.min, o.max, o.above, o.below].some((b) => b !== undefined), `${cmd.name} --${name} has no range`);
      }
    }
  }
  assert.ok(cases.length > 80, `${cases.length} cases`);
});

test('each bad option value is refused by the parser, which runs before any command reads a file: one line naming the option', () => {
  for (const { cmd, name, value } of cases) {
    const args = [...requiredArgs(cmd, name), `--${name}`, ...value];
    const where = `facecluster ${cmd.name} ${args.join(' ')}`;
    assert.throws(() => parseOptions(args, cmd), (e: unknown) => {
      assert.ok(e instanceof FaceclusterError && e.code === 'BAD_OPTION', where);
      assert.match(e.message, new RegExp(`^--${name} `), where);
      assert.ok(!e.message.includes('\n'), where);
      return true;
    });
  }
  // and through the command line, for one option a command: exit 2, the same line
  for (const { spec: cmd } of COMMANDS) {
    const c = cases.find((x) => x.cmd === cmd);
    if (!c) continue;
    const r = run([cmd.name, ...requiredArgs(cmd, c.name), `--${c.name}`, ...c.value]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^facecluster: --${c.name} `));
  }
});

test('negative numbers are read as numbers, and the string options with numbers check their range too', () => {
  let r = run(['knn', '--features', `${MISSING}.npy`, '--out', 'x.npy', '--k', '-5']);
  assert.match(r.stderr, /^facecluster: --k must be at least 1, got -5$/m);
  r = run(['cluster', '--features', `${MISSING}.npy`, '--out', 'x.npy', '--threshold', '-1.5']);
  assert.match(r.stderr, /^facecluster: --threshold must be in \[-1, 1\], got -1.5$/m);
  r = run(['cluster', '--features', `${MISSING}.npy`, '--out', 'x.npy', '--sigma', '0']);
  assert.match(r.stderr, /^facecluster: --sigma must be in \(0, ∞\), got 0$/m);
  r = run(['assign', '--features', `${MISSING}.npy`, '--clusters', 'c.npy', '--knn', 'k.npy', '--new', 'n.npy', '--out', 'o.npy', '--threshold', '2']);
  assert.match(r.stderr, /^facecluster: --threshold must be in \[-1, 1\], got 2$/m);
  // in range, a negative number is accepted: the error is then about the missing file
  r = run(['cluster', '--features', `${MISSING}.npy`, '--out', 'x.npy', '--threshold', '-0.2']);
  assert.match(r.stderr, /nonexistent/);
});

test('library messages name settings in the library\'s terms; the CLI puts its flags in', () => {
  const messages: string[] = [];
  for (const f of [() => checkEnoughFaces(80, 4, 'f.npy'), () => checkIpsOptions({ k1: 80, k2: 5, u: 5 }, 10), () => checkIpsOptions({ k1: 10, k2: 20, u: 5 },
    80)]) {
    assert.throws(f, (e: Error) => { messages.push(e.message); return e instanceof FaceclusterError; });
  }
  for (const m of messages) assert.doesNotMatch(m, /--[a-z]/, m);
  assert.deepEqual(messages.map(inCliTerms), [
    'f.npy: k1 = 80 (--k-at-hop) needs at least 81 faces, there are 4',
    'the kNN graph has K = 10, fewer than k1 = 80 (--k-at-hop): build it with --k 80 or more',
    'k2 = 20 (--k-at-hop) must not exceed the first, k1 = 10',
  ]);
});

/** A value parseOptions may give an option, as OptionValues types it. */
function hasSpecType(o: OptionSpec, v: unknown): boolean {
  if (o.type === 'boolean') return typeof v === 'boolean';
  if (v === undefined) return !o.required && o.default === undefined;
  if (o.type === 'integers') return Array.isArray(v) && v.length === (o.count ?? 1) && v.every(Number.isInteger);
  if (o.type === 'integer') return Number.isInteger(v);
  if (o.type === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === 'string' && (!o.choices || o.choices.includes(v));
}

test('parsed options have the types the commands read them as (OptionValues): flags true or false, defaults filled in', () => {
  let checked = 0;
  for (const { spec: cmd } of COMMANDS) {
    const given = parseOptions(requiredArgs(cmd, ''), cmd).options;
    for (const [name, o] of Object.entries(cmd.options)) {
      assert.ok(hasSpecType(o, given[name]), `${cmd.name} --${name} absent: ${String(given[name])}`);
      checked++;
    }
    // each option given once, with a value of its type
    for (const [name, o] of Object.entries(cmd.options)) {
      const value = o.type === 'boolean' ? [] : o.type === 'integers' ? Array(o.count ?? 1).fill(String(Math.max(o.min ?? 1, 1)))
        : o.choices ? [o.choices.at(-1)!] : o.type === 'string' ? ['x'] : [String(o.above !== undefined ? o.above + 0.5 : o.min ?? o.max ?? 1)];
      const parsed = parseOptions([...requiredArgs(cmd, name), `--${name}`, ...value], cmd).options[name];
      assert.ok(hasSpecType(o, parsed) && parsed !== undefined, `${cmd.name} --${name} ${value.join(' ')}: ${String(parsed)}`);
      if (o.type === 'boolean') assert.equal(parsed, true);
    }
  }
  assert.ok(checked > 150, `${checked} options`);
});
