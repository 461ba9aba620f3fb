import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { npyToFloat64, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/formats.js';
import { clusterMetrics, edgeMetrics, evaluate } from '../../src/metrics/index.js';
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
