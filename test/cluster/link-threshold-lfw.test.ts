/** The automatic link threshold on LFW's descriptors: few links misplaced against the best cut; a family-like collection not split into near-duplicates. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { estimateLinkThreshold } from '../../src/cluster/index.js';
import { buildKnn } from '../../src/knn/index.js';
import { syntheticFaces } from '../../src/synthetic/index.js';
import { readFeatures, readLabels } from '../../src/io/files.node.js';
import { evaluate } from '../../src/metrics/index.js';
import { clusterFaces } from '../../src/pipeline/cluster.js';
import { SHARED } from '../helpers.js';

test('the automatic link threshold misplaces few more links than the best threshold would, at two cosine scales', async () => {
  for (const [dim, noise] of [[128, 0.6], [512, 1.2]] as const) {
    const { features, labels } = syntheticFaces({ n: 1500, dim, seed: 2, noise });
    const knn = await buildKnn(features, { k: 10, normalized: true });
    // the share of the 3 nearest links on the wrong side of a threshold
    const misplaced = (t: number) => {
      let wrong = 0;
      for (let i = 0; i < knn.n; i++) {
        for (let j = 1; j <= 3; j++) if ((labels[i] === labels[knn.indices[i * 11 + j]!]) !== knn.sims![i * 11 + j]! >= t) wrong++;
      }
      return wrong / (3 * knn.n);
    };
    let best = 1, bestT = 0;
    for (let t = -1; t <= 1; t += 0.005) if (misplaced(t) < best) { best = misplaced(t); bestT = t; }
    const t = estimateLinkThreshold(features, knn).threshold;
    assert.ok(misplaced(t) < best + 0.05, `${dim}-d: threshold ${t.toFixed(3)} misplaces ${(100 * misplaced(t)).toFixed(1)} % of the links, ${bestT.toFixed(3)} ${(100 * best).toFixed(1)} %`);
  }
});

test("a family-like collection (lfw-train's 6 most photographed people, 412 photos) is not split into near-duplicates", async () => {
  const f = readFeatures(join(SHARED, 'data/lfw-train.feats.npy')), l = readLabels(join(SHARED, 'data/lfw-train.labels.npy'));
  const byPerson = new Map<number, number[]>();
  l.forEach((x, i) => { byPerson.set(x, [...(byPerson.get(x) ?? []), i]); });
  const rows = [...byPerson.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!).slice(0, 6).flat();
  const data = new Float32Array(rows.length * f.dim);
  rows.forEach((r, i) => { data.set(f.data.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim); });
  const r = await clusterFaces({ n: rows.length, dim: f.dim, data });
  const ev = evaluate(Int32Array.from(rows, (x) => l[x]!), r.labels);
  // a face's 10 nearest are all its own person here: the split must come from more neighbours
  assert.ok(ev.bcubed.f > 0.95 && ev.pairwise.f > 0.95, `B-Cubed F ${ev.bcubed.f}, pairwise F ${ev.pairwise.f} at threshold ${r.threshold}`);
});
