import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmbeddedFace, FaceEmbedder } from '../../src/embed/embedder.js';
import type { DecodedPhoto } from '../../src/embed/image.js';
import { describePhoto } from '../../src/embed/photo.js';
import { FaceclusterError } from '../../src/errors.js';

const photo = { width: 4, height: 4, data: new Uint8Array(48) } as unknown as DecodedPhoto;
const face = { image: 'a.jpg', box: [0, 0, 2, 2], descriptor: Float32Array.of(1, 0) } as unknown as EmbeddedFace;
/** An embedder that finds `faces`, or throws `error`. */
const embedder = (faces: EmbeddedFace[], error?: unknown) =>
  ({ embed: async () => { if (error !== undefined) throw error; return faces; } }) as unknown as FaceEmbedder;

test('describePhoto: the faces; none is "no face found"; any failure is the photo\'s one-line error without its name, never thrown', async () => {
  assert.deepEqual(await describePhoto(embedder([face]), 'a.jpg', async () => photo), { faces: [face] });
  assert.deepEqual(await describePhoto(embedder([]), 'a.jpg', async () => photo), { faces: [], error: 'no face found' });
  const failing = (e: unknown) => describePhoto(embedder([face]), 'a.jpg', async () => { throw e; }, '/photos/a.jpg');
  assert.deepEqual(await failing(new FaceclusterError('BAD_FILE', 'not an image', '/photos/a.jpg')), { error: 'not an image' });
  assert.deepEqual(await failing(Object.assign(new Error('no such file'), { code: 'ENOENT' })), { error: 'cannot read (ENOENT)' });
  assert.deepEqual(await failing(new Error('out of memory\n    at decode')), { error: 'cannot be described (out of memory)' });
  // the describer failing is the photo's error too
  assert.deepEqual(await describePhoto(embedder([], new RangeError('bad tensor')), 'a.jpg', async () => photo), { error: 'cannot be described (bad tensor)' });
});
