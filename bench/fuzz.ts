/** `npm run fuzz [-- --runs N --seed S]`: the reader fuzzing at full size (10,000 cases a reader by default). */
import { parseArgs } from 'node:util';
import { fuzzReaders } from '../test/fuzz/readers.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string', default: String(Date.now() % 1e9) } } });
const runs = Number(values.runs), seed = Number(values.seed);
console.log(`fuzzing every reader with ${runs} cases, seed ${seed}`);
const t = performance.now();
for (const r of fuzzReaders(runs, seed)) console.log(`${r.reader.padEnd(16)} ${r.cases} cases: ${r.parsed} parsed, ${r.refused} refused cleanly`);
console.log(`done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
