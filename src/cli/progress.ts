/**
 * Progress on a terminal: `label  done/total  rate/s  ETA`, redrawn at most ten times a second
 * on stderr. Silent when stderr is not a TTY (pipes, CI logs) or when quiet is asked for.
 */
export class Progress {
  /** When the first update came: a stage that never ran draws nothing. */
  private start: number | undefined;
  private last = 0;
  private readonly live: boolean;

  constructor(private readonly label: string, private readonly unit: string, quiet = false, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.live = !quiet && stream.isTTY === true;
  }

  /** `note`: what else to show (workers seen, say). */
  update = (done: number, total: number, note?: string): void => {
    if (!this.live) return;
    const now = performance.now();
    this.start ??= now;
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const pct = total > 0 ? ((100 * done) / total).toFixed(1) : '100.0';
    this.stream.write(`\r\x1b[K${this.label}  ${done}/${total} ${this.unit} (${pct}%)  ${formatRate(rate)} ${this.unit}/s  ETA ${formatDuration(eta)}${note ? `  ${note}` : ''}`);
  };

  done(): void {
    if (this.live && this.start !== undefined) this.stream.write(`\r\x1b[K${this.label}  done in ${formatDuration((performance.now() - this.start) / 1000)}\n`);
  }
}

function formatRate(r: number): string {
  return r >= 100 ? r.toFixed(0) : r.toFixed(1);
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
