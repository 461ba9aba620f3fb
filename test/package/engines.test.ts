import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { ROOT } from '../helpers.js';

test('the declared Node range is inside every installed dependency\'s, and this Node is in it', () => {
  const declared = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const lowest = semver.minVersion(declared)!;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string,
    { dev?: boolean; optional?: boolean; engines?: { node?: string } | string[] }> };
  const refused: string[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const wants = !Array.isArray(p.engines) ? p.engines?.node : undefined;
    // what a user's install gets: not dev dependencies, and not other platforms' binaries
    if (!path || p.dev || wants === undefined || /@img\/sharp-(?!linux-x64|libvips-linux-x64)|@esbuild\//.test(path)) continue;
    if (!semver.satisfies(lowest, wants)) refused.push(`${path.replace(/^.*node_modules\//, '')} wants ${wants}`);
  }
  assert.deepEqual(refused, [], `declared ${declared}, whose lowest version ${lowest} some dependencies refuse`);
  assert.ok(semver.satisfies(process.versions.node, declared), `this Node ${process.versions.node} is outside ${declared}`);
});
