import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import sharp from 'sharp';
import { ROOT, splitClusterJson, tempDir } from '../helpers.js';

/**
 * The environment of a user's shell: none of the npm settings that `npm test` passes to its
 * children (this repository's .npmrc among them, which skips onnxruntime-node's CUDA download).
 */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function run(command: string, args: string[], options: SpawnSyncOptions, stderr?: (text: string) => void): string {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000, ...options });
  assert.equal(r.status, 0, `${command} ${args.join(' ')}:\n${String(r.stdout).slice(-2000)}\n${String(r.stderr).slice(-4000)}`);
  stderr?.(String(r.stderr));
  return String(r.stdout);
}

test('the packed package installs into a new project with nothing but the npm registry, runs its demo, and imports from ESM, TypeScript and a browser bundle', async (t) => {
  const dir = tempDir(t);
  // dist/ is built by the test command (npm test runs npm run build first)
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env: userEnv() });
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }));
  const npmrc = join(dir, 'empty-npmrc');
  writeFileSync(npmrc, '');
  const env = { ...userEnv(), npm_config_userconfig: npmrc };
  const installStarted = performance.now();
  run('npm', ['install', tarball, '--no-audit', '--no-fund'], { cwd: project, env });
  t.diagnostic(`npm install of the packed package: ${((performance.now() - installStarted) / 1000).toFixed(1)} s`);
  const native = existsSync(join(project, 'node_modules/onnxruntime-node'));
  t.diagnostic(`onnxruntime-node ${native ? 'installed' : 'left out (its install script could not fetch its CUDA files); the WebAssembly engine serves'}`);

  // sharp's prebuilt libvips came from the npm registry: a phone-sized JPEG stored sideways decodes upright and small
  writeFileSync(join(project, 'phone.jpg'), await sharp({ create: { width: 4000, height: 3000, channels: 3,
    background: '#486' } }).withMetadata({ orientation: 6 }).jpeg().toBuffer());
  writeFileSync(join(project, 'decode.mjs'), `import { readFileSync } from 'node:fs';
import { decodePhoto } from 'facecluster';
const p = await decodePhoto(readFileSync('phone.jpg'), 'phone.jpg');
console.log(JSON.stringify([p.width, p.height, p.fullWidth, p.fullHeight]));`);
  assert.deepEqual(JSON.parse(run(process.execPath, ['decode.mjs'], { cwd: project, env })), [768, 1024, 3000, 4000]);

  // the demo, from the package's own data: the same metrics as this repository's CLI, and a note when the WebAssembly kernels serve
  const demo = JSON.parse(run('npx', ['--no-install', 'facecluster', 'demo', '--json', '--out', 'pred.npy'], { cwd: project, env }, (stderr) => {
    if (native) assert.doesNotMatch(stderr, /WebAssembly kernels run/);
    else assert.match(stderr, /onnxruntime-node is not installed .* the WebAssembly kernels run/);
  }));
  const here = JSON.parse(run(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'demo', '--json', '--out', join(dir, 'pred.npy')], { cwd: dir, env }));
  // the same metrics and summary; only the seconds differ
  const [fromPackage, fromRepo] = [demo, here].map((out) => { const { metrics, summary } = splitClusterJson(out); const { seconds: _s,
    ...rest } = summary; return { metrics, summary: rest }; });
  assert.deepEqual(fromPackage, fromRepo);

  // ESM
  writeFileSync(join(project, 'esm.mjs'), `import { clusterFaces, readFeatures } from 'facecluster';
const f = readFeatures('node_modules/facecluster/data/lfw-test.feats.npy');
const { labels } = await clusterFaces(f);
console.log(JSON.stringify({ n: labels.length, clusters: new Set(labels).size }));`);
  const esm = JSON.parse(run(process.execPath, ['esm.mjs'], { cwd: project, env }));
  assert.equal(esm.n, 6929);
  assert.ok(esm.clusters > 1000);

  // TypeScript, strict, against the package's own types (this repository's compiler and Node types)
  writeFileSync(join(project, 'main.ts'), `import { clusterFaces, evaluate, readFeatures, readLabels, type ClusterResult } from 'facecluster';
import { decodeFeatures, type Features } from 'facecluster/browser';
const f: Features = readFeatures('node_modules/facecluster/data/lfw-test.feats.npy');
const result: ClusterResult = await clusterFaces(f, { method: 'threshold' });
const ev = evaluate(readLabels('node_modules/facecluster/data/lfw-test.labels.npy'), result.labels);
console.log(ev.bcubed.f.toFixed(4), typeof decodeFeatures);
`);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out', typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] },
    files: ['main.ts'],
  }));
  run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: project, env });
  assert.match(run(process.execPath, ['out/main.js'], { cwd: project, env }), /^0\.\d{4} function/);

  // the browser entry, bundled for a browser as a user's bundler would
  writeFileSync(join(project, 'page.js'), `import { clusterFaces, decodeFeatures, ortEnv } from 'facecluster/browser';
ortEnv.wasm.wasmPaths = '/ort/';
export async function run(bytes) { return (await clusterFaces(decodeFeatures(bytes, 'f.npy'))).labels; }`);
  const bundle = await build({ entryPoints: [join(project, 'page.js')], absWorkingDir: project, bundle: true, format: 'esm', platform: 'browser', write: false,
    metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(bundle.metafile.inputs);
  assert.ok(inputs.some((p) => p.endsWith('facecluster/dist/src/engine/runtime.browser.js')), 'the browser runtime');
  assert.ok(!inputs.some((p) => /usearch|onnxruntime-node|bullmq|sharp|runtime\.js$/.test(p)), `Node-only modules in the bundle: ${inputs.filter((p) => /usearch|onnxruntime-node|bullmq|sharp/.test(p))}`);
});
