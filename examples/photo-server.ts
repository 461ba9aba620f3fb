/**
 * facecluster in a photo server: face rows as the server stores them (face id, asset id, the
 * embedding as a float array) in, a person id per face out.
 *
 *   node dist/examples/photo-server.js [faces.json]
 *
 * faces.json: [{ "faceId": "…", "assetId": "…", "embedding": [0.01, …] }, …]. Without a file
 * the example makes such rows from the bundled LFW test faces. Prints one JSON object a face:
 * {"faceId", "personId"} (personId null: not enough faces for a person yet).
 */
import { readFileSync } from 'node:fs';
import { groupFaces, readFeatures } from 'facecluster';

interface FaceRow { faceId: string; assetId: string; embedding: number[] }

function bundledRows(count: number): FaceRow[] {
  const f = readFeatures(new URL('../../data/lfw-test.feats.npy', import.meta.url).pathname);
  return Array.from({ length: count }, (_, i) => ({
    faceId: `face-${i}`,
    assetId: `asset-${i}`,
    embedding: Array.from(f.data.subarray(i * f.dim, (i + 1) * f.dim)),
  }));
}

const file = process.argv[2];
const rows: FaceRow[] = file ? JSON.parse(readFileSync(file, 'utf8')) : bundledRows(500);
const people = await groupFaces(rows.map((r) => ({ id: r.faceId, embedding: r.embedding, photo: r.assetId })), { minFaces: 2 });
for (const p of people) console.log(JSON.stringify({ faceId: p.id, personId: p.person < 0 ? null : `person-${p.person}` }));
