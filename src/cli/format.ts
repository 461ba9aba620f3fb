import type { ClusterMetrics, Evaluation } from '../metrics/index.js';

const f3 = (x: number) => x.toFixed(4);

function row(name: string, m: ClusterMetrics): string {
  return [name.padEnd(20), String(m.n).padStart(7), String(m.clusters).padStart(8),
    f3(m.bcubed.precision), f3(m.bcubed.recall), f3(m.bcubed.f),
    f3(m.pairwise.precision), f3(m.pairwise.recall), f3(m.pairwise.f), f3(m.nmi)].join('  ');
}

/** A fixed-width table of an evaluation, with and without singletons. */
export function formatEvaluation(ev: Evaluation): string {
  const head = ['', ''.padEnd(20), 'faces'.padStart(7), 'clusters'.padStart(8), 'BCub-P', 'BCub-R', 'BCub-F', 'pair-P', 'pair-R', 'pair-F', 'NMI   '].slice(1).join('  ');
  return [head, row('all faces', ev), row('without singletons', ev.without_singletons)].join('\n');
}

/**
 * A library message in the CLI's terms: the library names settings as its API does (k1, dim, a
 * timeout), the command line by its flags. Each phrase is the library's own wording.
 */
const CLI_TERMS: [RegExp, string][] = [
  [/the subgraphs' first hop k1 = (\d+)/g, 'k1 = $1 (--k-at-hop)'],
  [/the subgraphs' second hop k2 = (\d+)/g, 'k2 = $1 (--k-at-hop)'],
  [/build it with k = (\d+) or more/g, 'build it with --k $1 or more'],
  [/\.bin features need their row width \(dim\)/g, '.bin features need the row width (--dim D)'],
  [/the queue must be/g, '--queue must be'],
  [/\(or allow a longer timeout\)/g, "(start them with 'facecluster worker --queue URL --work-dir DIR', or raise --queue-timeout)"],
];

export function inCliTerms(message: string): string {
  return CLI_TERMS.reduce((m, [library, cli]) => m.replace(library, cli), message);
}
