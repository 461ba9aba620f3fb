import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers.js';

/** Longest line of code; a string, template or regular expression literal counts as its quotes. */
const MAX_LINE = 160;

/**
 * The length of a line with its literals' contents and its trailing comment left out: a message
 * or a pattern is not broken (it would hide from a search for its text), code is. Regular
 * expressions are told from division the usual way, by what precedes the slash.
 */
function codeLength(line: string): number {
  let length = line.length;
  const before = (i: number) => line.slice(0, i).trimEnd();
  for (let i = 0; i < line.length; ) {
    const ch = line[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const start = i++;
      let depth = 0;
      while (i < line.length) {
        if (line[i] === '\\') i += 2;
        else if (ch === '`' && line.startsWith('${', i)) { depth++; i += 2; }
        else if (ch === '`' && depth > 0 && line[i] === '}') { depth--; i++; }
        else if (line[i] === ch && depth === 0) { i++; break; }
        else i++;
      }
      length -= Math.max(0, i - start - 2);
    } else if (line.startsWith('//', i) || line.startsWith('/*', i)) {
      return length - (line.length - i);
    } else if (ch === '/' && (/[(,=:[!&|?{};]$/.test(before(i)) || before(i) === '' || /\b(return|typeof)$/.test(before(i)))) {
      const start = i++;
      let inClass = false;
      while (i < line.length) {
        if (line[i] === '\\') { i += 2; continue; }
        if (line[i] === '[') inClass = true;
        else if (line[i] === ']') inClass = false;
        else if (line[i] === '/' && !inClass) { i++; break; }
        i++;
      }
      while (i < line.length && /[a-z]/.test(line[i]!)) i++;
      length -= Math.max(0, i - start - 2);
    } else {
      i++;
    }
  }
  return length;
}

test('codeLength leaves out literals and comments, not code', () => {
  assert.equal(codeLength('const a = b / c;'), 16);
  assert.equal(codeLength("fail('BAD', 'a long message');"), "fail('', '');".length);
  assert.equal(codeLength('x = `a $' + '{b + `c`} d`;'), 'x = ``;'.length);
  assert.equal(codeLength('assert.match(s, /a[/]b/g); // note'), 'assert.match(s, //); '.length);
  assert.equal(codeLength("const s = 'it\\'s', t = a / 2;"), "const s = '', t = a / 2;".length);
});

test(`no line of code is longer than ${MAX_LINE} characters, literals aside`, () => {
  const files = execFileSync('git', ['ls-files', 'src/*.ts', 'test/*.ts', 'bench/*.ts', 'web/*.ts', 'examples/*.ts'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter((f) => f !== '');
  assert.ok(files.length > 100);
  const long: string[] = [];
  for (const file of files) {
    readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
      if (codeLength(line) > MAX_LINE) long.push(`${file}:${i + 1} (${codeLength(line)})`);
    });
  }
  assert.deepEqual(long, []);
});
