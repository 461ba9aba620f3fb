import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { embedPhotos, type Photo } from '../../src/embed/parallel.node.js';
import type { PhotoResult } from '../../src/embed/photo.node.js';
import { SHARED } from '../helpers.js';

test('photos described on one and on two worker threads give the same faces and descriptors; a missing photo is its own warning', async () => {
  const root = join(SHARED, 'data/lfw-sample');
  const photos: Photo[] = readdirSync(root).sort().slice(0, 6)
    .flatMap((person) => readdirSync(join(root, person)).sort().map((f) => ({ path: join(root, person, f), image: `${person}/${f}` })));
  photos.splice(3, 0, { path: join(root, 'no-such-photo.jpg'), image: 'no-such-photo.jpg' });
  const runs: PhotoResult[][] = [];
  for (const workers of [1, 2]) {
    const got = new Map<string, PhotoResult>();
    const order: number[] = [];
    await embedPhotos(photos, { workers, onResult: (p, r, done) => { got.set(p.image, r); order.push(done); } });
    assert.deepEqual(order, photos.map((_, i) => i + 1), 'every photo told once, counted');
    runs.push(photos.map((p) => got.get(p.image)!));
  }
  assert.deepEqual(runs[1], runs[0]);
  assert.equal(runs[0]![3]!.error, 'cannot read (ENOENT)');
  assert.ok(runs[0]!.filter((r) => r.faces && r.faces.length > 0).length >= photos.length - 3, 'the sample photos have faces');
});
