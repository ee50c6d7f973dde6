/**
 * Talking to test servers from the side: one bounded admin command on a
 * fresh connection, a field of an INFO reply, and a bounded poll. Used by
 * the Sentinel and Cluster harnesses and the failover tests.
 */
import { Redis } from 'ioredis';


/**
 * One admin command on a fresh connection, bounded: no reconnects, no
 * offline queue, 1 s to connect and 2 s for the reply. Throws on failure.
 */
export async function ask(port: number, ...args: Array<string | number>): Promise<unknown> {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    return await c.call(String(args[0]), ...args.slice(1));
  } finally {
    c.disconnect();
  }
}

/** A field of an INFO reply (`role`, `master_link_status`, `tcp_port`, ...). */
export function infoField(info: unknown, field: string): string | undefined {
  return new RegExp(`^${field}:(.*?)\\r?$`, 'm').exec(String(info))?.[1];
}

/** Poll `probe` every 50 ms until it returns true; throws after `ms` with what it saw last. */
export async function waitFor(what: string, ms: number, probe: () => Promise<true | string>): Promise<void> {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    try {
      const r = await probe();
      if (r === true) return;
      last = r;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}


/** `p`, or a rejection naming `what` after `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** How many clients of the server at `port` last sent XREADGROUP (a consumer's reader). */
export async function xreadgroupClients(port: number): Promise<number> {
  return String(await ask(port, 'CLIENT', 'LIST')).split('\n').filter((l) => / cmd=xreadgroup /.test(l)).length;
}
