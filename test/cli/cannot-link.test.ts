/** `cluster --faces`: faces of one photo are never one person, end to end. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures, readLabels, writeNpy } from '../../src/io/files.node.js';
import { ROOT, samePartition, tempDir } from '../helpers.js';

test('cluster --faces: two faces of one identity marked as one photo end apart, nothing else moves', (t) => {
  const dir = tempDir(t);
  const n = 1500;
  const f = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  writeNpy(join(dir, 'f.npy'), f.data.subarray(0, n * f.dim), [n, f.dim], 'f4');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r;
  };
  cli('cluster', '--features', join(dir, 'f.npy'), '--out', join(dir, 'plain.npy'));
  const plain = readLabels(join(dir, 'plain.npy'));
  // the two lowest faces of the largest cluster
  const count = new Map<number, number>();
  for (const l of plain) count.set(l, (count.get(l) ?? 0) + 1);
  const big = [...count].sort((a, b) => b[1] - a[1])[0]![0];
  const members = [...plain.keys()].filter((i) => plain[i] === big);
  const [i, j] = members;
  const faces = Array.from({ length: n }, (_, k) => ({ image: k === j ? `photo-${i}.jpg` : `photo-${k}.jpg` }));
  writeFileSync(join(dir, 'faces.json'), JSON.stringify(faces));
  const r = cli('cluster', '--features', join(dir, 'f.npy'), '--faces', join(dir, 'faces.json'), '--out', join(dir, 'split.npy'));
  assert.match(r.stderr, /faces that must be apart were together/);
  const split = readLabels(join(dir, 'split.npy'));
  assert.notEqual(split[i!], split[j!]);
  const others = [...plain.keys()].filter((k) => plain[k] !== big);
  assert.ok(samePartition(others.map((k) => plain[k]!), others.map((k) => split[k]!)), 'clusters without a conflict are unchanged');
  assert.ok(members.every((k) => !others.some((o) => split[o] === split[k])), 'the split cluster takes no faces from others');
});
