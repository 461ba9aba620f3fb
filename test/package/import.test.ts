import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { ROOT } from '../helpers.js';

test('importing facecluster from code with no file (node -e) works and loads no native or queue library', () => {
  const entry = pathToFileURL(join(ROOT, 'dist/src/index.js')).href;
  // every CommonJS package the import pulls in is noted (usearch, sharp, ioredis and BullMQ's helpers are CommonJS)
  const script = `const loaded = new Set(); const M = require('node:module'); const load = M._load;
M._load = function (r, ...a) { if (!r.startsWith('.') && !r.startsWith('node:') && !r.startsWith('/')) loaded.add(r); return load.call(this, r, ...a); };
import(${JSON.stringify(entry)}).then((m) => console.log(JSON.stringify({ clusterFaces: typeof m.clusterFaces, loaded: [...loaded] })));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const out = JSON.parse(r.stdout) as { clusterFaces: string; loaded: string[] };
  assert.equal(out.clusterFaces, 'function');
  const heavy = out.loaded.filter((name) => /usearch|sharp|ioredis|bullmq|msgpackr|onnxruntime|tensorflow|face-api|libheif/.test(name));
  assert.deepEqual(heavy, [], 'loaded on import');
});
