import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFeatures, readKnn } from '../../src/io/files.node.js';
import { npyToFloat32, npyToInt32 } from '../../src/io/npy.js';
import { readNpyView } from '../../src/io/files.node.js';
import { checkIpsOptions, IpsBuilder, subgraphFeatures } from '../../src/ips/index.js';
import type { KnnGraph } from '../../src/types.js';
import { SHARED } from '../helpers.js';

const GOLDEN = join(SHARED, 'golden');

function truncate(knn: KnnGraph, k: number): KnnGraph {
  const w = knn.k + 1;
  return { n: knn.n, k, indices: Int32Array.from({ length: knn.n * (k + 1) }, (_, e) => knn.indices[Math.floor(e / (k + 1)) * w + (e % (k + 1))]!) };
}

test('subgraphs equal the reference Feeder at k_at_hop [20, 5], u = 5 (by node id)', () => {
  const manifest = JSON.parse(readFileSync(join(GOLDEN, 'lgcn-k20-5/manifest.json'), 'utf8'));
  const features = readFeatures(join(GOLDEN, 'synth-test.feats.npy'));
  const knn = truncate(readKnn(join(GOLDEN, 'synth-test.knn.npy')), 20);
  const builder = new IpsBuilder(knn, { k1: 20, k2: 5, u: 5 });
  assert.equal(manifest.ips.length, 8);
  for (const ips of manifest.ips) {
    const dir = join(GOLDEN, 'lgcn-k20-5', ips.dir);
    const refNodes = npyToInt32(readNpyView(join(dir, 'nodes.npy')), 'nodes', true).subarray(0, ips.num_nodes);
    const refA = npyToFloat32(readNpyView(join(dir, 'A.npy')));
    const refFeat = npyToFloat32(readNpyView(join(dir, 'feat.npy')));
    const refHop1 = npyToInt32(readNpyView(join(dir, 'one_hop_idcs.npy')));
    const refCenter = npyToInt32(readNpyView(join(dir, 'center_idx.npy')));
    const pad = Math.round(Math.sqrt(refA.length));
    const g = builder.build(ips.center);
    assert.equal(g.nodes.length, ips.num_nodes);
    assert.deepEqual([...g.nodes].sort((a, b) => a - b), [...refNodes].sort((a, b) => a - b));
    const refPos = new Map([...refNodes].map((v, i) => [v, i]));
    assert.equal(refNodes[refCenter[0]!], ips.center);
    assert.deepEqual(new Set([...refHop1].map((i) => refNodes[i])), new Set(g.nodes.subarray(1, 1 + g.hop1)));
    // A entry by entry, including the zeros
    const dense = new Float32Array(g.nodes.length ** 2);
    for (let a = 0; a < g.nodes.length; a++) for (let e = g.rowPtr[a]!; e < g.rowPtr[a + 1]!; e++) dense[a * g.nodes.length + g.cols[e]!] = g.vals[e]!;
    for (let a = 0; a < g.nodes.length; a++) {
      for (let b = 0; b < g.nodes.length; b++) {
        const want = refA[refPos.get(g.nodes[a]!)! * pad + refPos.get(g.nodes[b]!)!]!;
        assert.ok(Math.abs(dense[a * g.nodes.length + b]! - want) < 1e-7, `A[${g.nodes[a]}, ${g.nodes[b]}]`);
      }
    }
    const feat = subgraphFeatures(g, features);
    const d = features.dim;
    for (let a = 0; a < g.nodes.length; a++) {
      const r = refPos.get(g.nodes[a]!)!;
      for (let j = 0; j < d; j++) assert.ok(Math.abs(feat[a * d + j]! - refFeat[r * d + j]!) < 1e-6);
    }
  }
});

test('hand-worked subgraphs, one with a node left without links', () => {
  // 5 faces; kNN rows (self first)
  const knn: KnnGraph = { n: 5, k: 3, indices: Int32Array.of(0, 1, 2, 3, 1, 0, 2, 4, 2, 3, 1, 0, 3, 2, 0, 1, 4, 1, 0, 2) };
  const g = new IpsBuilder(knn, { k1: 1, k2: 1, u: 1 }).build(0);
  // hop 1 = {1}; hop 2 = nearest of 1 = {0} (already in) → nodes [0, 1]
  assert.deepEqual([...g.nodes], [0, 1]);
  assert.deepEqual([...g.rowPtr], [0, 1, 2]);
  assert.deepEqual([...g.cols], [1, 0]);
  const h = new IpsBuilder(knn, { k1: 2, k2: 1, u: 1 }).build(3);
  // hop 1 = 2, 0; hop 2 = nearest of 2 (3: in), nearest of 0 (1) → nodes [3, 2, 0, 1]
  assert.deepEqual([...h.nodes], [3, 2, 0, 1]);
  // u = 1 links: 3→2, 2→3, 0→1, 1→0 ⇒ {3,2} and {0,1}, each row one link of weight 1
  assert.deepEqual([...h.cols], [1, 0, 3, 2]);
  assert.deepEqual([...h.vals], [1, 1, 1, 1]);
  // u < k2: a hop-2 node can end up with no link inside the subgraph
  const knn2: KnnGraph = { n: 5, k: 2, indices: Int32Array.of(0, 1, 2, 1, 0, 4, 2, 0, 1, 3, 4, 0, 4, 3, 0) };
  const lonely = new IpsBuilder(knn2, { k1: 2, k2: 2, u: 1 }).build(0);
  // hop 1 = 1, 2; hop 2 = {0, 4} from 1 and {0, 1} from 2 → nodes [0, 1, 2, 4]
  assert.deepEqual([...lonely.nodes], [0, 1, 2, 4]);
  // links 0→1, 1→0, 2→0; 4's nearest (3) is outside: a zero row
  assert.deepEqual([...lonely.rowPtr], [0, 2, 3, 4, 4]);
  assert.deepEqual([...lonely.cols], [1, 2, 0, 0]);
  assert.deepEqual([...lonely.vals], [0.5, 0.5, 1, 1]);
});

test('settings are checked against the kNN graph', () => {
  assert.throws(() => checkIpsOptions({ k1: 30, k2: 5, u: 5 }, 20, 'knn.npy'), /K = 20, fewer than the subgraphs' first hop k1 = 30/);
  assert.throws(() => checkIpsOptions({ k1: 5, k2: 6, u: 5 }, 20), /second hop k2 = 6 must not exceed the first, k1 = 5/);
  assert.throws(() => checkIpsOptions({ k1: 5, k2: 5, u: 0 }, 20), /u must be a positive integer/);
});
