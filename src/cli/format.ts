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
