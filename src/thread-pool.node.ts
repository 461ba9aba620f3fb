/**
 * Work handed out to worker threads a task at a time, so that a slow task holds up one thread
 * only and the threads finish together. The protocol, on both sides: a worker may post 'ready'
 * once it has loaded what it needs; it is sent a task, posts its result, is sent the next; `null`
 * tells it there is no more, and it exits. A worker ends well only after that: any other end (a
 * crash, running out of memory, being stopped) is the loss of the task it was on.
 */
import { Worker } from 'node:worker_threads';

export interface ThreadPoolOptions<T, R> {
  /** The worker script, and what each worker is started with. */
  url: URL;
  workerData: unknown;
  workers: number;
  /** What the workers do, for messages ("GCN", "embed"). */
  name: string;
  /** The next task; undefined when none is left. */
  next(): T | undefined;
  /** What a worker is sent for a task (default: the task). */
  message?(task: T): unknown;
  /** What a worker does on a task, for messages ("scoring pivots 0..15"). */
  describe(task: T): string;
  onResult(task: T, result: R): void;
  /** The workers post 'ready' first: one that ends before it failed to start, and the run fails (the others would too). */
  announceReady?: boolean;
  /**
   * A worker ended while on `task`: true when the task is given up (its failure told) and a new
   * worker takes on the rest; otherwise the run fails.
   */
  onLost?(task: T, why: string): boolean;
  /** Told the workers once they are started (a supervisor, or a test that stops one). */
  onWorkers?(workers: readonly Worker[]): void;
}

/** Runs every task `next` gives on `workers` threads; rejects when a worker is lost and `onLost` does not take it. */
export async function runThreadPool<T, R>(o: ThreadPoolOptions<T, R>): Promise<void> {
  const live = new Set<Worker>();
  /** One slot: a worker taking tasks until none is left, replaced when it is lost on one and onLost says so. */
  const slot = (index: number) => new Promise<void>((resolve, reject) => {
    const w = new Worker(o.url, { workerData: o.workerData });
    live.add(w);
    let current: T | undefined, ready = !o.announceReady, released = false, ended = false;
    const send = () => {
      current = o.next();
      if (current === undefined) {
        released = true;
        w.postMessage(null);
      } else {
        w.postMessage(o.message ? o.message(current) : current);
      }
    };
    const lost = (why: string, crashed: boolean) => {
      if (ended) return;
      ended = true;
      live.delete(w);
      void w.terminate();
      const task = current;
      if (!ready) {
        reject(new Error(`${o.name} worker ${index} failed to start: ${why}`));
      } else if (task === undefined) {
        reject(new Error(`${o.name} worker ${index} stopped: ${why}`));
      } else if (o.onLost?.(task, why)) {
        slot(index).then(resolve, reject);
      } else {
        const what = o.describe(task);
        reject(new Error(`${o.name} worker ${index} ${crashed ? 'failed' : 'stopped'} while ${what}: ${why}`));
      }
    };
    w.on('message', (msg: R | 'ready') => {
      if (msg === 'ready' && !ready) ready = true;
      else o.onResult(current!, msg as R);
      send();
    });
    w.on('error', (e) => lost(e.message, true));
    w.on('exit', (code) => {
      if (released && !ended) {
        ended = true;
        live.delete(w);
        resolve();
      } else {
        lost(`exit code ${code}`, false);
      }
    });
    if (!o.announceReady) send();
  });
  const slots = Array.from({ length: o.workers }, (_, i) => slot(i));
  o.onWorkers?.([...live]);
  try {
    await Promise.all(slots);
  } finally {
    await Promise.all([...live].map((w) => w.terminate()));
  }
}
