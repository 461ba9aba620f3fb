import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzReaders, READERS } from './readers.js';

test('fuzzing: 300 random or mutated files a reader parse or fail cleanly (npm run fuzz runs 10,000)', () => {
  const results = fuzzReaders(300);
  assert.equal(results.length, Object.keys(READERS).length);
  for (const r of results) {
    assert.equal(r.parsed + r.refused, r.cases);
    assert.ok(r.refused > 0, `${r.reader}: some of the damaged files must be refused`);
  }
});
