/**
 * One options type a method (ClusterOptions tells them apart by `method`), each setting with one
 * meaning; the names they had in 0.1 are still read, with a notice, by the library and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { groupFaces } from '../../src/index.js';
import { readFeatures, readLabels } from '../../src/io/files.node.js';
import { writeNpy } from '../../src/io/index.js';
import { BASELINE_DEFAULTS, clusterFaces, usesGcn, type ClusterOptions } from '../../src/pipeline/cluster.js';
import { ROOT, tempDir } from '../helpers.js';

const all = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
const n = 300;
const f = { n, dim: all.dim, data: all.data.slice(0, n * all.dim) };

test('each method takes its own settings only: a setting of another method does not compile', () => {
  const wrong: ClusterOptions[] = [
    // @ts-expect-error the online method has no threshold
    { method: 'online', threshold: 0.5 },
    // @ts-expect-error a linkage is the gcn method's
    { method: 'infomap', linkage: 'infomap' },
    // @ts-expect-error the threshold method runs no Infomap
    { method: 'threshold', trials: 3 },
    // @ts-expect-error the gcn method's link cut is minScore, for either linkage
    { method: 'gcn', propagation: { minScore: 0.5 } },
    // @ts-expect-error the edge filters are 'cut' and 'early-stop'
    { edgeFilter: 'threshold' },
    // @ts-expect-error the online method's matches are minMatches (groupFaces's minFaces is about people)
    { method: 'online', minFaces: 3 },
  ];
  assert.equal(wrong.length, 6);
  assert.deepEqual([{}, { rescore: true }, { method: 'gcn' }, { method: 'infomap', rescore: false }, { method: 'threshold' }]
    .map((o) => usesGcn(o as ClusterOptions)), [false, true, true, false, false]);
});

test("the 0.1 names (edge filter 'threshold', online minFaces) are read as the new ones, with a notice", async () => {
  const notices: string[] = [];
  const onNotice = (m: string) => notices.push(m);
  const cut = await clusterFaces(f, { edgeFilter: 'cut' });
  const old = await clusterFaces(f, { edgeFilter: 'threshold', onNotice } as unknown as ClusterOptions);
  assert.deepEqual(old.labels, cut.labels);
  assert.equal(old.threshold, cut.threshold);
  assert.deepEqual(notices, ["the edge filter 'threshold' is now called 'cut'"]);
  notices.length = 0;
  const three = await clusterFaces(f, { method: 'online', minMatches: 3 });
  assert.notDeepEqual(three.labels, (await clusterFaces(f, { method: 'online' })).labels, 'minMatches matters here');
  assert.deepEqual((await clusterFaces(f, { method: 'online', minFaces: 3, onNotice } as unknown as ClusterOptions)).labels, three.labels);
  assert.deepEqual(notices, ["the online method's minFaces is now called minMatches"]);
});

test("groupFaces: minFaces is about people, the online method's minMatches reaches the method", async () => {
  const faces = Array.from({ length: n }, (_, i) => ({ id: i, embedding: f.data.subarray(i * f.dim, (i + 1) * f.dim) }));
  const online = (await clusterFaces(f, { method: 'online', minMatches: 3 })).labels;
  const size = new Map<number, number>();
  for (const l of online) size.set(l, (size.get(l) ?? 0) + 1);
  const people = await groupFaces(faces, { method: 'online', minMatches: 3, minFaces: 2 });
  // the same partition of the faces in people of 2 or more; the rest −1
  const seen = new Map<number, number>();
  people.forEach((p, i) => {
    const l = online[i]!;
    if (size.get(l)! < 2) { assert.equal(p.person, -1, `face ${i}`); return; }
    if (!seen.has(l)) seen.set(l, p.person);
    assert.equal(p.person, seen.get(l), `face ${i}`);
  });
  assert.equal(new Set(people.map((p) => p.person).filter((p) => p >= 0)).size, seen.size);
  assert.notDeepEqual(people, await groupFaces(faces, { method: 'online', minFaces: 2 }), `minMatches ${BASELINE_DEFAULTS.minMatches} differs`);
});

test('the CLI reads --edge-filter threshold and --min-faces as cut and --min-matches, with a note', (t) => {
  const dir = tempDir(t);
  const feats = join(dir, 'f.npy');
  writeNpy(feats, f.data, [n, f.dim], 'f4');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'cluster', '--features', feats, '--quiet', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr;
  };
  const pred = (name: string) => [...readLabels(join(dir, name))];
  assert.doesNotMatch(cli('--edge-filter', 'cut', '--out', join(dir, 'cut.npy')), /note/);
  assert.match(cli('--edge-filter', 'threshold', '--out', join(dir, 'old.npy')), /note: '--edge-filter threshold' is now called '--edge-filter cut'/);
  assert.deepEqual(pred('old.npy'), pred('cut.npy'));
  cli('--method', 'online', '--min-matches', '3', '--out', join(dir, 'm3.npy'));
  assert.match(cli('--method', 'online', '--min-faces', '3', '--out', join(dir, 'f3.npy')), /note: --min-faces is now called --min-matches/);
  assert.deepEqual(pred('f3.npy'), pred('m3.npy'));
  cli('--method', 'online', '--out', join(dir, 'm2.npy'));
  assert.notDeepEqual(pred('m2.npy'), pred('m3.npy'));
});
