import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures, readKnn, readLabels, writeLabels } from '../../src/io/files.node.js';
import { writeNpy } from '../../src/io/files.node.js';
import { newFaceScores } from '../../src/metrics/index.js';
import { joinOrStart, type AssignOptions } from '../../src/pipeline/assign.js';
import { DEFAULT_MODEL_DIR } from '../../src/pipeline/defaults.node.js';
import { ROOT, tempDir } from '../helpers.js';

test('joinOrStart: groups of new faces join the cluster with the most votes, or start one; old clusters never merge', () => {
  // old faces 0, 1 (cluster 0) and 2, 3 (cluster 1); new faces 4..7
  const links: [number, number, number][] = [
    [4, 0, 0.9], [4, 2, 0.6], // 4 votes 0.9 for cluster 0, 0.6 for cluster 1
    [5, 4, 0.8], [5, 3, 0.7], // 5 groups with 4 and votes 0.7 for cluster 1: the group has 0.9 vs 1.3
    [6, 7, 0.9], [7, 6, 0.3], // averaged to 0.6: 6 and 7 form a group with no votes: a new cluster
    [6, 1, 0.4], // below the threshold: ignored
    [0, 2, 0.99], // two old faces: their clusters stay apart
  ];
  const edges = { src: Int32Array.from(links, (l) => l[0]), dst: Int32Array.from(links, (l) => l[1]), score: Float64Array.from(links, (l) => l[2]) };
  const r = joinOrStart(edges, Int32Array.of(0, 0, 1, 1), 8, 0.5);
  assert.deepEqual([...r.labels], [0, 0, 1, 1, 1, 1, 2, 2]);
  assert.equal(r.joined, 2);
  assert.equal(r.started, 1);
});

test('assign on lfw-test: every tenth face placed among the other 90 % about as well as re-clustering all, far better than leaving them alone', (t) => {
  const dir = tempDir(t);
  const n = 2400, old = 2160;
  // the rows are sorted by name: every tenth face is new, so that most new faces have old ones of their person
  const order = [...Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 !== 9), ...Array.from({ length: n / 10 }, (_, i) => 10 * i + 9)];
  const lfw = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const f = { n, dim: lfw.dim, data: new Float32Array(n * lfw.dim) };
  order.forEach((r, i) => { f.data.set(lfw.data.subarray(r * lfw.dim, (r + 1) * lfw.dim), i * lfw.dim); });
  const lfwLabels = readLabels(join(ROOT, 'data/lfw-test.labels.npy'));
  const truth = Int32Array.from(order, (r) => lfwLabels[r]!);
  const p = (name: string) => join(dir, name);
  writeNpy(p('old.npy'), f.data.subarray(0, old * f.dim), [old, f.dim], 'f4');
  writeNpy(p('new.npy'), f.data.subarray(old * f.dim, n * f.dim), [n - old, f.dim], 'f4');
  writeNpy(p('all.npy'), f.data.subarray(0, n * f.dim), [n, f.dim], 'f4');
  writeLabels(p('truth.npy'), truth);
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  cli('cluster', '--features', p('old.npy'), '--out', p('old-pred.npy'), '--knn-out', p('old-knn.npy'));
  const summary = JSON.parse(cli('assign', '--features', p('old.npy'), '--clusters', p('old-pred.npy'), '--knn', p('old-knn.npy'), '--new', p('new.npy'),
    '--out', p('pred.npy'), '--knn-out', p('knn.npy'), '--features-out', p('joined.npy'), '--labels', p('truth.npy'), '--json'));
  cli('cluster', '--features', p('all.npy'), '--out', p('rerun.npy'));
  assert.equal(summary.new, n - old);
  assert.ok(summary.joined > 0 && summary.newClusters > 0);
  const pred = readLabels(p('pred.npy'));
  const oldPred = readLabels(p('old-pred.npy'));
  assert.deepEqual(pred.subarray(0, old), oldPred, 'old faces keep their clusters');
  const assigned = newFaceScores(truth, pred, old);
  const rerun = newFaceScores(truth, readLabels(p('rerun.npy')), old);
  // every new face alone: what a useless assign would give
  const alone = Int32Array.from(pred, (l, i) => (i < old ? l : 1e6 + i));
  const singletons = newFaceScores(truth, alone, old);
  t.diagnostic(`new faces' pairwise F: assign ${assigned.f.toFixed(3)}, re-run ${rerun.f.toFixed(3)}, alone ${singletons.f.toFixed(3)}; right person: ${assigned.rightPerson.toFixed(3)}, ${rerun.rightPerson.toFixed(3)}, ${singletons.rightPerson.toFixed(3)}`);
  assert.ok(assigned.f > rerun.f - 0.05, `pairwise F of the new faces ${assigned.f} against ${rerun.f} re-clustered`);
  assert.ok(assigned.f > singletons.f + 0.5, `${assigned.f} against ${singletons.f} leaving them alone`);
  assert.ok(assigned.rightPerson > rerun.rightPerson - 0.05 && assigned.rightPerson > singletons.rightPerson + 0.5);
  // the outputs chain into the next assign: all faces, and a kNN graph over them
  assert.deepEqual(readFeatures(p('joined.npy')).data, f.data.subarray(0, n * f.dim));
  const knn = readKnn(p('knn.npy'));
  assert.equal(knn.n, n);
  assert.deepEqual(knn.indices.subarray(0, old * (knn.k + 1)), readKnn(p('old-knn.npy')).indices);  // the gcn method: its cut is --min-score (0.1's --threshold still read, with a note); --model asks for it
  const assign = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'assign', '--features', p('old.npy'), '--clusters',
    p('old-pred.npy'), '--knn', p('old-knn.npy'), '--new', p('new.npy'), ...args], { encoding: 'utf8' });
  const outputs = [['--method', 'gcn', '--min-score', '0.9'], ['--method', 'gcn', '--threshold', '0.9'], ['--method', 'gcn'], ['--model', DEFAULT_MODEL_DIR]]
    .map((args, i) => {
      const r = assign(...args, '--out', p(`gcn${i}.npy`));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(/note: --threshold with --method gcn is now called --min-score/.test(r.stderr), i === 1, r.stderr);
      return [...readLabels(p(`gcn${i}.npy`))];
    });
  assert.deepEqual(outputs[1], outputs[0]);
  assert.deepEqual(outputs[3], outputs[2]);
  assert.notDeepEqual(outputs[2], outputs[0], 'a cut of 0.9 differs from 0.5');
});

test('assignFaces with the gcn method: the new faces are the pivots, their links held to minScore (default 0.5)', async () => {
  const { assignFaces, ASSIGN_DEFAULTS } = await import('../../src/pipeline/assign.js');
  const { clusterFaces } = await import('../../src/pipeline/cluster.js');
  const f = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const n = 400, old = 350;
  const all = { n, dim: f.dim, data: f.data.slice(0, n * f.dim) };
  const first = await clusterFaces({ n: old, dim: f.dim, data: all.data.subarray(0, old * f.dim) });
  const r = await assignFaces(all, first.labels, first.knn, { method: 'gcn' });
  assert.equal(ASSIGN_DEFAULTS.minScore, 0.5);
  assert.equal(r.threshold, 0.5);
  assert.ok(r.edges.src.every((pivot) => pivot >= old) && r.edges.src.length > 0, 'only new faces are pivots');
  assert.deepEqual(r.labels, joinOrStart(r.edges, first.labels, n, 0.5).labels);
  const strict = await assignFaces(all, first.labels, first.knn, { method: 'gcn', minScore: 0.9 });
  assert.deepEqual(strict.labels, joinOrStart(r.edges, first.labels, n, 0.9).labels);
  assert.notDeepEqual(strict.labels, r.labels);
  // 0.1's name of the gcn method's cut
  const notices: string[] = [];
  const oldName = { method: 'gcn', threshold: 0.9, onNotice: (m: string) => notices.push(m) } as unknown as AssignOptions;
  assert.deepEqual((await assignFaces(all, first.labels, first.knn, oldName)).labels, strict.labels);
  assert.deepEqual(notices, ["the gcn method's threshold is now called minScore"]);
  const wrong: AssignOptions[] = [
    // @ts-expect-error the gcn method's cut is minScore
    { method: 'gcn', threshold: 0.9 },
    // @ts-expect-error the infomap method has no model
    { method: 'infomap', model: undefined },
  ];
  assert.equal(wrong.length, 2);
});

test('assignFaces keeps constraints over old and new faces: a new face must-linked to an old one joins its cluster, a cannot-link splits', async () => {
  const { assignFaces } = await import('../../src/pipeline/assign.js');
  const { clusterFaces } = await import('../../src/pipeline/cluster.js');
  const f = readFeatures(join(ROOT, 'data/lfw-test.feats.npy'));
  const n = 400, old = 380;
  const all = { n, dim: f.dim, data: f.data.slice(0, n * f.dim) };
  const first = await clusterFaces({ n: old, dim: f.dim, data: all.data.subarray(0, old * f.dim) });
  const plain = await assignFaces(all, first.labels, first.knn);
  // a new face, and an old face in another cluster; two old faces of one cluster
  const v = old + 5;
  const u = [...first.labels.keys()].find((i) => first.labels[i] !== plain.labels[v])!;
  const [p, q] = [...first.labels.keys()].filter((i) => first.labels[i] === [...first.labels].find((l) => first.labels.filter((x) => x === l).length > 1));
  const kept = await assignFaces(all, first.labels, first.knn, { constraints: { mustLink: [[v, u]], cannotLink: [[p!, q!]] } });
  assert.equal(kept.labels[v], kept.labels[u]);
  assert.notEqual(kept.labels[p!], kept.labels[q!]);
});
