import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import { clusterMetrics, edgeMetrics, evaluate, newFaceScores } from '../../src/metrics/index.js';
import { FIXTURES, SHARED } from '../helpers.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('equals scikit-learn and the contingency formulas on seeded labelings', () => {
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'metrics.json'), 'utf8'));
  assert.equal(cases.length, 5);
  for (const c of cases) {
    const m = clusterMetrics(c.truth, c.pred);
    close(m.bcubed.precision, c.bcubed[0]);
    close(m.bcubed.recall, c.bcubed[1]);
    close(m.pairwise.precision, c.pairwise[0]);
    close(m.pairwise.recall, c.pairwise[1]);
    close(m.nmi, c.nmi);
    close(m.nmi_geometric, c.nmi_geometric);
  }
});

test('hand-computed case', () => {
  // truth {0,1,2} {3,4} {5}; pred {0,1} {2,3,4} {5}
  const m = clusterMetrics([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 1, 2]);
  // B-Cubed P = (4/2 + 1/3 + 4/3 + 1) / 6, R = (4/3 + 1/3 + 4/2 + 1) / 6
  close(m.bcubed.precision, (2 + 1 / 3 + 4 / 3 + 1) / 6);
  close(m.bcubed.recall, (4 / 3 + 1 / 3 + 2 + 1) / 6);
  // pairwise: tk = 4+1+4+1−6 = 4, pk = 4+9+1−6 = 8, qk = 9+4+1−6 = 8
  close(m.pairwise.precision, 0.5);
  close(m.pairwise.recall, 0.5);
  close(m.pairwise.f, 0.5);
  assert.equal(m.clusters, 3);
});

test('degenerate labelings', () => {
  const one = clusterMetrics([1, 1, 1], [4, 4, 4]);
  assert.equal(one.nmi, 1);
  assert.equal(one.bcubed.f, 1);
  const singles = clusterMetrics([0, 0, 1], [0, 1, 2]);
  assert.equal(singles.pairwise.precision, 1); // no predicted pairs, none wrong
  assert.equal(singles.pairwise.recall, 0);
  assert.equal(singles.bcubed.precision, 1);
  assert.throws(() => clusterMetrics([0, 1], [0]), /2 entries but predictions have 1/);
});

test('limits by hand: empty labelings, one class against several clusters, no pairs on either side (scikit-learn\'s conventions)', () => {
  const empty = clusterMetrics([], []);
  assert.deepEqual([empty.n, empty.clusters, empty.nmi, empty.nmi_geometric], [0, 0, 1, 1]);
  assert.deepEqual(empty.bcubed, { precision: 0, recall: 0, f: 0 });
  assert.deepEqual(empty.pairwise, { precision: 1, recall: 1, f: 1 });
  // one person split into singletons: no information shared, whichever mean normalises it
  const split = clusterMetrics([7, 7, 7], [0, 1, 2]);
  assert.deepEqual([split.nmi, split.nmi_geometric], [0, 0]);
  assert.deepEqual(split.pairwise, { precision: 1, recall: 0, f: 0 });
  // three people in one cluster: the same, the other way round
  const merged = clusterMetrics([0, 1, 2], [5, 5, 5]);
  assert.deepEqual([merged.nmi, merged.nmi_geometric], [0, 0]);
  assert.deepEqual(merged.pairwise, { precision: 0, recall: 1, f: 0 });
  // no true pairs, one predicted wrongly: precision 0, recall 1 (no pair to find)
  const strangers = clusterMetrics([0, 1, 2], [0, 0, 1]);
  assert.deepEqual(strangers.pairwise, { precision: 0, recall: 1, f: 0 });
  close(strangers.bcubed.precision, (1 / 2 + 1 / 2 + 1) / 3);
  assert.equal(strangers.bcubed.recall, 1);
});

test('edgeMetrics by hand: a score equal to the threshold is negative; precision and recall with one of each error; no edges, no positives', () => {
  const truth = [0, 0, 0, 1, 1, 2];
  // edges: (0,1) same 0.9 → tp; (0,3) different 0.8 → fp; (1,2) same 0.5 → at the threshold: fn; (3,4) same 0.3 → fn; (2,5) different 0.1 → tn
  const edges = { src: Int32Array.of(0, 0, 1, 3, 2), dst: Int32Array.of(1, 3, 2, 4, 5), score: Float64Array.of(0.9, 0.8, 0.5, 0.3, 0.1) };
  const m = edgeMetrics(edges, truth, 0.5);
  assert.equal(m.precision, 1 / 2);
  assert.equal(m.recall, 1 / 3);
  close(m.f, (2 * (1 / 2) * (1 / 3)) / (1 / 2 + 1 / 3));
  assert.equal(m.accuracy, 2 / 5);
  assert.equal(m.positiveRate, 3 / 5);
  assert.equal(m.edges, 5);
  // tp = fp = fn = 1
  const even = edgeMetrics({ src: Int32Array.of(0, 0, 1), dst: Int32Array.of(1, 3, 2), score: Float64Array.of(0.9, 0.8, 0.2) }, truth, 0.5);
  assert.deepEqual([even.precision, even.recall, even.f], [0.5, 0.5, 0.5]);
  // every link wrong: precision and recall 0, F 0 (not 0/0)
  const wrong = edgeMetrics({ src: Int32Array.of(0, 1), dst: Int32Array.of(3, 2), score: Float64Array.of(0.9, 0.1) }, truth, 0.5);
  assert.deepEqual([wrong.precision, wrong.recall, wrong.f], [0, 0, 0]);
  const none = edgeMetrics({ src: new Int32Array(0), dst: new Int32Array(0), score: new Float64Array(0) }, truth, 0.5);
  assert.deepEqual(none, { precision: 1, recall: 1, f: 1, accuracy: 0, edges: 0, positiveRate: 0 });
});

test('newFaceScores by hand: pairs with a new face counted once; the person of the cluster holding most of its old faces, ties to the lower cluster id', () => {
  // old faces 0–3 (people 0, 0, 1, 1 in clusters 0, 0, 1, 1); new faces 4 (person 0 → cluster 0), 5 (1 → 0), 6 (2, unseen → 3)
  const truth = [0, 0, 1, 1, 0, 1, 2], pred = [0, 0, 1, 1, 0, 0, 3];
  // pairs: (4,0) (4,1) same and together; (5,0) (5,1) (5,4) together, apart in truth; (5,2) (5,3) same, apart: P 2/5, R 2/4
  const s = newFaceScores(truth, pred, 4);
  close(s.f, (2 * 0.4 * 0.5) / 0.9);
  assert.deepEqual([s.rightPerson, s.known], [1 / 2, 2]);
  // a person whose old faces are split 1–1 between clusters 3 and 2: cluster 2 counts as theirs
  // (the new face paired with both old ones: one together, one apart: P 1, R 1/2)
  assert.deepEqual(newFaceScores([0, 0, 0], [3, 2, 2], 2), { f: 2 / 3, rightPerson: 1, known: 1 });
  assert.deepEqual(newFaceScores([0, 0, 0], [3, 2, 3], 2), { f: 2 / 3, rightPerson: 0, known: 1 });
  // no new faces: nothing to get wrong, nobody known; all new: nobody known either
  assert.deepEqual(newFaceScores([0, 1], [0, 1], 2), { f: 1, rightPerson: 0, known: 0 });
  assert.deepEqual(newFaceScores([0, 0, 1], [0, 0, 1], 0), { f: 1, rightPerson: 0, known: 0 });
  // every new face wrongly joined: F 0
  assert.deepEqual(newFaceScores([0, 1], [5, 5], 1), { f: 0, rightPerson: 0, known: 0 });
});

test('without singletons drops faces alone in their predicted cluster', () => {
  const ev = evaluate([0, 0, 1, 1, 2], [0, 0, 1, 2, 3]);
  assert.equal(ev.without_singletons.n, 2);
  assert.equal(ev.without_singletons.clusters, 1);
  assert.equal(ev.without_singletons.bcubed.f, 1);
});

test('golden propagation: metrics and edge figures equal the reference', () => {
  const dir = join(SHARED, 'golden/propagation');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const truth = npyToInt32(readNpyView(join(SHARED, 'golden/synth-test.labels.npy')));
  const pred = npyToInt32(readNpyView(join(dir, 'pred_labels.npy')), 'pred', true);
  const m = evaluate(truth, pred);
  const x = expected.metrics;
  assert.equal(m.clusters, x.n_clusters);
  close(m.bcubed.precision, x.bcubed_p);
  close(m.bcubed.recall, x.bcubed_r);
  close(m.bcubed.f, x.bcubed_f);
  close(m.pairwise.precision, x.pairwise_p);
  close(m.pairwise.recall, x.pairwise_r);
  close(m.pairwise.f, x.pairwise_f);
  close(m.nmi, x.nmi);
  close(m.nmi_geometric, x.nmi_geometric);
  const pairs = npyToInt32(readNpyView(join(dir, 'edges.npy')));
  const score = npyToFloat64(readNpyView(join(dir, 'scores.npy')));
  const em = edgeMetrics({
    src: Int32Array.from({ length: score.length }, (_, e) => pairs[2 * e]!),
    dst: Int32Array.from({ length: score.length }, (_, e) => pairs[2 * e + 1]!),
    score,
  }, truth, 0.5);
  close(em.precision, expected.edge_cls.edge_precision);
  close(em.recall, expected.edge_cls.edge_recall);
  close(em.accuracy, expected.edge_cls.edge_acc);
  close(em.positiveRate, expected.edge_cls.pos_rate);
});
