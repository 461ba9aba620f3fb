import assert from 'node:assert/strict';
import { seededRandom } from '../src/random.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/…). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = join(ROOT, 'test/fixtures');
/** The read-only shared data beside the checkout. */
export const SHARED = join(ROOT, '../shared');

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'facecluster-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export { seededRandom as rng } from '../src/random.js';

export function randomMatrix(n: number, d: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n * d }, () => r() * 2 - 1);
}

/** True when two labelings split the items the same way, whatever the label numbers. */
export function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if ((ab.has(x) && ab.get(x) !== y) || (ba.has(y) && ba.get(y) !== x)) return false;
    ab.set(x, y);
    ba.set(y, x);
  }
  return true;
}

/**
 * `cluster --json --labels` output split into the evaluation (what `eval --json` prints) and the
 * run's summary, after checking that the summary counts what the evaluation counts.
 */
type ClusterJson = {
  summary: { faces: number; people: number; alone: number; seconds: number }; n: number; without_singletons: { n: number; clusters: number };
};
export function splitClusterJson<T extends ClusterJson>(out: T): { metrics: Omit<T, 'summary'>; summary: T['summary'] } {
  const { summary, ...metrics } = out;
  assert.equal(summary.faces, out.n);
  assert.equal(summary.people, out.without_singletons.clusters);
  assert.equal(summary.alone, out.n - out.without_singletons.n);
  assert.ok(summary.seconds >= 0);
  return { metrics, summary };
}
