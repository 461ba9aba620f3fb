// @ts-check
/**
 * Mutation testing (StrykerJS): `npm run mutate -- AREA`, AREA one of the keys below. Each area's
 * mutants are run against that area's own unit tests (the compiled node:test files, through the
 * TAP runner), so that its score says how tightly its tests pin it; end-to-end tests would kill
 * more but take minutes a mutant once every expression is instrumented. Error messages are not
 * mutated (StringLiteral): their wording is tested where it matters, by pattern.
 */
const AREAS = {
  metrics: { mutate: ['src/metrics/**/*.ts'], tests: ['dist/test/metrics/*.test.js'] },
  io: { mutate: ['src/io/**/*.ts'], tests: ['dist/test/io/*.test.js'] },
  queue: { mutate: ['src/queue/jobs.node.ts', 'src/queue/distributed.node.ts', 'src/queue/wire.node.ts'], tests: ['dist/test/queue/jobs.test.js', 'dist/test/queue/wire.test.js'] },
  // link-threshold.ts is left out: its tests cluster whole LFW splits and synthetic collections of
  // thousands, which take minutes a mutant once instrumented (about 2 h for its mutants on 2 cores)
  cluster: {
    mutate: ['src/cluster/**/*.ts', '!src/cluster/link-threshold.ts'],
    tests: ['cannot-link', 'early-stop', 'edges', 'infomap', 'online', 'propagation'].map((t) => `dist/test/cluster/${t}.test.js`),
  },
};
const area = process.env.MUTATE_AREA ?? '';
if (!(area in AREAS)) throw new Error(`MUTATE_AREA must be one of ${Object.keys(AREAS).join(', ')}`);
const { mutate, tests } = AREAS[/** @type {keyof typeof AREAS} */ (area)];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: { testFiles: tests },
  buildCommand: 'tsc -p .',
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  mutate,
  mutator: { excludedMutations: ['StringLiteral'] },
  ignorePatterns: ['dist', 'site', 'out', 'test-output', 'reports', 'scratch'],
  concurrency: 2,
  timeoutFactor: 3,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${area}.json` },
  htmlReporter: { fileName: `reports/mutation/${area}.html` },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
};
