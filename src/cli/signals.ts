/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM): long-running commands (worker, web) wait on it, then shut down cleanly. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
}
