import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers.js';

/** Packages that run only in Node: a module importing one is Node-only. */
const NODE_PACKAGES = /^(sharp|usearch|onnxruntime-node|bullmq|ioredis|exifr|libheif-js|@vladmandic\/face-api\/dist\/face-api\.node|@tensorflow\/tfjs-node)/;

const SRC = join(ROOT, 'src');

/** Every module specifier a source file imports or re-exports, static or dynamic. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:^|\s)(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm)];
  return found.map((m) => m[1] ?? m[2] ?? m[3]!);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir,
    e.name)] : []);
}

/** A package-internal import (`#runtime`) as a browser build resolves it: package.json "imports", browser condition, back to the source. */
function browserImport(spec: string): string {
  const imports = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, { browser: string }> }).imports;
  const target = imports[spec]?.browser;
  assert.ok(target, `${spec} has a browser mapping`);
  return join(ROOT, target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
}

const isNodeOnly = (spec: string) => spec.startsWith('node:') || NODE_PACKAGES.test(spec);

test('the browser entry imports, however deep, no node: module, no Node-only package and no .node.ts module', () => {
  const seen = new Set<string>();
  const problems: string[] = [];
  const visit = (file: string, from: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.endsWith('.node.ts')) problems.push(`${relative(ROOT, from)} imports ${relative(ROOT, file)}`);
    for (const spec of specifiers(file)) {
      if (isNodeOnly(spec)) problems.push(`${relative(ROOT, file)} imports ${spec}`);
      else if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')), file);
      else if (spec.startsWith('#')) visit(browserImport(spec), file);
    }
  };
  visit(join(SRC, 'browser.ts'), join(SRC, 'browser.ts'));
  assert.ok(seen.size > 30, `${seen.size} modules reached`);
  assert.ok(['engine/runtime.browser.ts', 'knn/hnsw.browser.ts', 'pipeline/defaults.browser.ts', 'pipeline/cluster.ts'].every((f) => seen.has(join(SRC, f))));
  assert.deepEqual(problems, []);
});

test('one convention for Node-only code: outside src/cli, a module that imports Node is named *.node.ts; only src/engine imports onnxruntime', () => {
  const misnamed: string[] = [], onnx: string[] = [];
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file);
    const specs = specifiers(file);
    if (!rel.startsWith('cli/') && !rel.endsWith('.node.ts') && specs.some(isNodeOnly)) misnamed.push(rel);
    if (!rel.startsWith('engine/') && specs.some((s) => s.startsWith('onnxruntime'))) onnx.push(rel);
  }
  assert.deepEqual(misnamed, []);
  assert.deepEqual(onnx, []);
  // the rule has something to hold: the Node adapters are where it says
  assert.ok(['engine/runtime.node.ts', 'io/files.node.ts', 'knn/hnsw.node.ts', 'pipeline/defaults.node.ts'].every((f) => sources(SRC).includes(join(SRC, f))));
});
