/**
 * The Redis connection BullMQ runs on, checked before any work starts: an unreachable server is
 * a one-line error, never a client that retries forever.
 */
import type { Redis } from 'ioredis';
import { fail } from '../errors.js';

/** The queue coordinators and workers use unless told another (one per work directory on a shared Redis). */
export const QUEUE_NAME = 'facecluster';

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    fail('BAD_OPTION', `the queue must be a Redis URL such as redis://127.0.0.1:6379, not '${url}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') fail('BAD_OPTION', `the queue must be a redis:// or rediss:// URL, not '${url}'`);
  return u;
}

/** A connection for BullMQ (which needs maxRetriesPerRequest null), after a ping has answered within `timeoutMs`. */
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  parseUrl(url);
  // loaded here, not on import: only queued runs need a Redis client
  const { Redis } = await import('ioredis');
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // the socket's own error (ECONNREFUSED, ENOTFOUND) says more than the client's 'Connection is closed'
  let cause: NodeJS.ErrnoException | undefined;
  probe.on('error', (e: NodeJS.ErrnoException) => { cause ??= e; });
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const why = cause ?? (e as NodeJS.ErrnoException);
    fail('FAILED', `cannot reach Redis at ${url} (${why.code ?? why.message})`);
  } finally {
    probe.disconnect();
  }
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => { /* ioredis reconnects; BullMQ reports what fails */ });
  return connection;
}
