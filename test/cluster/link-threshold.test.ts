import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { descriptorPrior, DESCRIPTOR_PRIORS, DUPLICATE_COSINE, LINK_THRESHOLD_DEFAULTS, estimateLinkThreshold, normalQuantile, recognizeDescriptors } from '../../src/cluster/index.js';
import { MODEL_NAME } from '../../src/embed/embedder.js';
import { FaceclusterError } from '../../src/errors.js';
import { readFeatures, readLabels } from '../../src/io/files.node.js';
import { buildKnn, l2Normalize } from '../../src/knn/index.js';
import { evaluate } from '../../src/metrics/index.js';
import { clusterFaces } from '../../src/pipeline/cluster.js';
import { collectionOf, manyFacesEach, realPeople, strangers, syntheticPeople, withDuplicates, withStrays } from '../../src/synthetic/collections.js';
import { syntheticFaces } from '../../src/synthetic/index.js';
import type { Features } from '../../src/types.js';
import { randomMatrix, SHARED } from '../helpers.js';

const train = { features: readFeatures(join(SHARED, 'data/lfw-train.feats.npy')), labels: readLabels(join(SHARED, 'data/lfw-train.labels.npy')) };
const rows = (f: Features, picked: ArrayLike<number>): Features => {
  const data = new Float32Array(picked.length * f.dim);
  for (let i = 0; i < picked.length; i++) data.set(f.data.subarray(picked[i]! * f.dim, (picked[i]! + 1) * f.dim), i * f.dim);
  return { n: picked.length, dim: f.dim, data };
};
const knnOf = (unit: Features) => buildKnn(unit, { k: Math.min(80, unit.n - 1), normalized: true });

test('normal quantiles against tabulated values', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.1) + 1.281551566) < 1e-8);
  assert.ok(Math.abs(normalQuantile(1e-6) + 4.753424309) < 1e-7);
  assert.ok(Math.abs(normalQuantile(1 - 1e-6) - 4.753424309) < 1e-5);
  assert.throws(() => normalQuantile(0), FaceclusterError);
  assert.throws(() => normalQuantile(1), FaceclusterError);
});

test('strangers in random directions: the cut is the theory of random unit vectors', async () => {
  // cosines of random directions in d dimensions are about normal(0, 1/d), so x = −ln(1 − cos) too
  const n = 3000, dim = 256;
  const unit = l2Normalize({ n, dim, data: randomMatrix(n, dim, 5) });
  const cut = estimateLinkThreshold(unit, await knnOf(unit));
  assert.equal(cut.how, 'collection');
  const expected = 1 - Math.exp(-normalQuantile(1 - LINK_THRESHOLD_DEFAULTS.alpha / (n - 1)) / Math.sqrt(dim));
  assert.ok(Math.abs(cut.threshold - expected) < 0.02, `cut ${cut.threshold} against ${expected}`);
  assert.ok(Math.abs(cut.scale - 1 / Math.sqrt(dim)) < 0.1 / Math.sqrt(dim), `scale ${cut.scale}`);
});

test('face-api descriptors are recognised face by face, one person as well as a crowd; other models are not', () => {
  const unit = l2Normalize(train.features);
  assert.equal(recognizeDescriptors(rows(unit, [0, 1, 2, 3, 4])), 'face-api');
  assert.equal(recognizeDescriptors(rows(unit, [7])), 'face-api');
  // every face of one person (the collection's mean is that person's, far from face-api's mean)
  const count = new Map<number, number>();
  for (const l of train.labels) count.set(l, (count.get(l) ?? 0) + 1);
  const most = [...count].sort((a, b) => b[1] - a[1])[0]![0];
  const person = [...train.labels.keys()].filter((i) => train.labels[i] === most);
  assert.ok(person.length >= 50);
  assert.equal(recognizeDescriptors(rows(unit, person)), 'face-api');
  assert.equal(recognizeDescriptors(syntheticFaces({ n: 200, dim: 128, seed: 1 }).features), undefined);
  assert.equal(recognizeDescriptors(syntheticFaces({ n: 200, dim: 512, seed: 1 }).features), undefined);
  assert.equal(recognizeDescriptors({ n: 0, dim: 128, data: new Float32Array(0) }), undefined);
  // a median: face-api faces with a third as many strays are recognised; with more strays than faces, not
  const strays = syntheticFaces({ n: 30, dim: 128, seed: 2 }).features;
  const mixed = (faces: number, strayCount: number) => ({ n: faces + strayCount, dim: 128, data: Float32Array.from([...rows(unit,
    [...Array(faces).keys()]).data, ...strays.data.subarray(0, strayCount * 128)]) });
  assert.equal(recognizeDescriptors(mixed(30, 10)), 'face-api');
  assert.equal(recognizeDescriptors(mixed(10, 20)), undefined);
  // the model names embed writes into faces.json find face-api's prior
  assert.deepEqual(descriptorPrior(MODEL_NAME), DESCRIPTOR_PRIORS['face-api']);
  assert.deepEqual(descriptorPrior(`${MODEL_NAME}, the image as a face crop`), DESCRIPTOR_PRIORS['face-api']);
  assert.equal(descriptorPrior('arcface-r100'), undefined);
});

test('degenerate collections: one, two and three faces, all identical, copies of two faces', async () => {
  const one = await clusterFaces(randomMatrixFeatures(1, 16, 1));
  assert.deepEqual([...one.labels], [0]);
  // two or three different faces of an unknown model: nothing to read a cut from, only identical faces linked
  for (const n of [2, 3]) {
    const notices: string[] = [];
    const r = await clusterFaces(randomMatrixFeatures(n, 16, n), { onNotice: (m) => notices.push(m) });
    assert.equal(new Set(r.labels).size, n);
    assert.equal(r.linkThreshold?.how, 'too few faces');
    assert.ok(notices.some((m) => m.includes('only identical faces are linked')));
  }
  // twenty copies of one face: one cluster
  const copy = randomMatrix(1, 16, 9);
  const twenty = { n: 20, dim: 16, data: Float32Array.from({ length: 320 }, (_, i) => copy[i % 16]!) };
  const r20 = await clusterFaces(twenty);
  assert.equal(new Set(r20.labels).size, 1);
  assert.equal(r20.linkThreshold?.how, 'all identical');
  // a hundred copies of each of two faces: two clusters
  const two = randomMatrix(2, 16, 10);
  const copies = { n: 200, dim: 16, data: Float32Array.from({ length: 3200 }, (_, i) => two[(Math.floor(i / 16) % 2) * 16 + (i % 16)]!) };
  const r200 = await clusterFaces(copies);
  assert.equal(new Set(r200.labels).size, 2);
  assert.ok(r200.labels.every((l, i) => l === r200.labels[i % 2]));
  // two face-api faces of one person, the model named: the prior links them
  const firstRepeated = train.labels.findIndex((l, i) => train.labels.indexOf(l) !== i);
  const person = [train.labels.indexOf(train.labels[firstRepeated]!), firstRepeated];
  assert.equal(person.length, 2);
  const pair = await clusterFaces(rows(train.features, person), { descriptors: 'face-api' });
  assert.equal(pair.linkThreshold?.how, 'prior');
  assert.ok(pair.linkThreshold!.threshold < 0.93);
});

function randomMatrixFeatures(n: number, dim: number, seed: number): Features {
  return { n, dim, data: randomMatrix(n, dim, seed) };
}

test('no cut below 0 reaches Infomap: four random 512-d faces, twenty draws; negative thresholds refused', async () => {
  for (let seed = 0; seed < 20; seed++) {
    const r = await clusterFaces(randomMatrixFeatures(4, 512, 100 + seed));
    assert.ok(r.threshold! >= 0 && r.threshold! <= DUPLICATE_COSINE);
    assert.equal(r.labels.length, 4);
  }
  const f = randomMatrixFeatures(10, 8, 1);
  await assert.rejects(() => clusterFaces(f, { threshold: -0.5 }), FaceclusterError);
  await assert.rejects(() => clusterFaces(f, { threshold: 1.5 }), FaceclusterError);
  await assert.rejects(() => clusterFaces(f, { threshold: Number.NaN }), FaceclusterError);
  // the components baseline takes any cosine
  assert.equal((await clusterFaces(f, { method: 'threshold', threshold: -0.5 })).labels.length, 10);
});

test('the shapes of a photo library, face-api descriptors of training identities: many faces each, strangers, one person', async () => {
  const people = realPeople(train);
  // 8 people with 100 to 300 faces each (their own photos, then residual transfer)
  const many = manyFacesEach(people, { people: 8, min: 100, max: 300, seed: 3 });
  const rMany = await clusterFaces(many.features);
  assert.equal(rMany.linkThreshold?.how, 'prior');
  const eMany = evaluate(many.labels, rMany.labels);
  assert.ok(eMany.bcubed.f > 0.95 && eMany.pairwise.f > 0.95, `many faces each: ${eMany.bcubed.f} / ${eMany.pairwise.f}`);
  // 1,000 strangers: nearly all apart (measured: 91 %; face-api's nearest impostors are as close as its typical same-person pairs)
  const alone = strangers(people, { n: 1000, seed: 4 });
  const rAlone = await clusterFaces(alone.features);
  const apart = [...new Map([...rAlone.labels].map((l) => [l, 0])).keys()].length / 1000;
  assert.ok(apart > 0.88, `strangers apart: ${apart}`);
  // one person's 144 photos: mostly one cluster (read off the collection alone it could be strangers)
  const one = manyFacesEach(people, { people: 1, min: 144, max: 144, seed: 5 });
  const eOne = evaluate(one.labels, (await clusterFaces(one.features)).labels);
  assert.ok(eOne.bcubed.f > 0.9, `one person: ${eOne.bcubed.f}`);
});

test('strays and duplicates hardly move the cut; non-normalised rows give the same clusters', async () => {
  const first = rows(train.features, Array.from({ length: 2000 }, (_, i) => i));
  const labels = train.labels.subarray(0, 2000);
  const base = await clusterFaces(first, { descriptors: 'unknown' });
  // 2 % random unit vectors
  const strays = withStrays({ features: first, labels }, 0.02, 3);
  const rStrays = await clusterFaces(strays.features, { descriptors: 'unknown' });
  assert.ok(Math.abs(rStrays.threshold! - base.threshold!) < 0.005, `strays moved the cut from ${base.threshold} to ${rStrays.threshold}`);
  // every face twice: the same cut (duplicates are counted once) and the same F
  const twice = withDuplicates({ features: first, labels }, 1, 4);
  const rTwice = await clusterFaces(twice.features, { descriptors: 'unknown' });
  assert.equal(rTwice.linkThreshold!.distinct, 2000);
  assert.ok(Math.abs(rTwice.threshold! - base.threshold!) < 0.003, `duplicates moved the cut from ${base.threshold} to ${rTwice.threshold}`);
  const fBase = evaluate(labels, base.labels).bcubed.f, fTwice = evaluate(twice.labels, rTwice.labels).bcubed.f;
  assert.ok(Math.abs(fTwice - fBase) < 0.02, `F ${fBase} → ${fTwice}`);
  // rows scaled by anything: cosines, and so clusters, are the same
  const scaled = { ...first, data: first.data.map((v, i) => v * (1 + (Math.floor(i / first.dim) % 7))) };
  assert.deepEqual([...(await clusterFaces(scaled, { descriptors: 'unknown' })).labels], [...base.labels]);
});

test('512-d descriptors of an unknown model: people with many faces and strangers', async () => {
  const people = syntheticPeople({ dim: 512, people: 1000, seed: 7, familySpread: 1 });
  const many = manyFacesEach(people, { people: 10, min: 100, max: 300, seed: 8 });
  const eMany = evaluate(many.labels, (await clusterFaces(many.features)).labels);
  assert.ok(eMany.bcubed.f > 0.95, `many: ${eMany.bcubed.f}`);
  // one person of each family of four look-alikes (siblings of this model are closer than its cut: see bench:library)
  const alone = collectionOf(people, Array.from({ length: 250 }, (_, i) => 4 * i), Array.from({ length: 250 }, () => 1), 9);
  const rAlone = await clusterFaces(alone.features);
  assert.ok(new Set(rAlone.labels).size > 0.9 * 250, `strangers: ${new Set(rAlone.labels).size} clusters of 250`);
});
