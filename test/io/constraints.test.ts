import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constraintsFile, formatConstraints, mergeConstraints, parseConstraints, resolveConstraints } from '../../src/io/index.js';

const faces = [{ image: 'a.jpg', box: [10, 10, 50, 50] }, { image: 'a.jpg', box: [100, 10, 50, 50] }, { image: 'b.jpg', box: [0, 0, 40, 40] }, { image: 'c.jpg' }];

test('constraints by photo and box survive a new embed run in another order; faces gone are left out and counted', () => {
  const file = constraintsFile({ mustLink: [[0, 2]], cannotLink: [[1, 3]] }, faces);
  assert.deepEqual(file.mustLink, [[{ image: 'a.jpg', box: [10, 10, 50, 50] }, { image: 'b.jpg', box: [0, 0, 40, 40] }]]);
  const text = formatConstraints(file);
  assert.deepEqual(parseConstraints(text, 'c.json'), file);
  // the same faces, reordered, boxes rounded differently; c.jpg deleted
  const again = [{ image: 'b.jpg', box: [0.4, 0, 40, 40] }, { image: 'a.jpg', box: [100, 10, 50, 50] }, { image: 'a.jpg', box: [10, 10.3, 50, 50] }];
  const r = resolveConstraints(parseConstraints(text, 'c.json'), again.length, 'c.json', again);
  assert.deepEqual(r.constraints, { mustLink: [[2, 0]], cannotLink: [] });
  assert.equal(r.missing, 1);
});

test('constraints by row; rows out of range and photos without faces.json are errors', () => {
  const file = parseConstraints('{"mustLink": [[0, 1]], "cannotLink": [[2, 3]]}', 'c.json');
  assert.deepEqual(resolveConstraints(file, 4, 'c.json').constraints, { mustLink: [[0, 1]], cannotLink: [[2, 3]] });
  assert.throws(() => resolveConstraints(file, 3, 'c.json'), /c.json: face 3 is not one of the 3 faces/);
  assert.throws(() => resolveConstraints(parseConstraints('{"mustLink": [[{"image": "a.jpg"}, 1]]}', 'c.json'), 4, 'c.json'), /names faces by photo .* give the faces.json/);
  // with faces.json, rows still mean rows
  assert.deepEqual(constraintsFile({ mustLink: [[0, 1]] }).mustLink, [[0, 1]]);
});

test('bad constraint files: one clear message naming the file and the entry', () => {
  assert.throws(() => parseConstraints('{', 'c.json'), /c.json: not valid JSON/);
  assert.throws(() => parseConstraints('[]', 'c.json'), /expected \{"mustLink"/);
  assert.throws(() => parseConstraints('{"mustLink": 3}', 'c.json'), /"mustLink" must be a list of pairs/);
  assert.throws(() => parseConstraints('{"cannotLink": [[1]]}', 'c.json'), /cannotLink\[0\] must be a pair/);
  assert.throws(() => parseConstraints('{"cannotLink": [[1, -2]]}', 'c.json'), /cannotLink\[0\]: a face row must be a whole number/);
  assert.throws(() => parseConstraints('{"mustLink": [[1, {"image": "a", "box": [1, 2]}]]}', 'c.json'), /"box" must be four numbers/);
  assert.throws(() => parseConstraints('{"mustLink": [[1, "a.jpg"]]}', 'c.json'), /a face is a row number or/);
});

test('merging files keeps each pair once, in either order', () => {
  const a = { mustLink: [[0, 1], [2, 3]] as [number, number][], cannotLink: [] };
  const b = { mustLink: [[1, 0], [4, 5]] as [number, number][], cannotLink: [[6, 7]] as [number, number][] };
  assert.deepEqual(mergeConstraints(a, b), { mustLink: [[0, 1], [2, 3], [4, 5]], cannotLink: [[6, 7]] });
});
