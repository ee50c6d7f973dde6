/**
 * A TCP fault proxy for tests (Debian has no toxiproxy): listens on a free
 * loopback port and forwards each connection to `host:port`, with switches
 * for the network faults a Redis client must survive.
 *
 *   const p = await startFaultProxy({ port: redis.port });
 *   const conn = await connect(p.url);
 *   p.cutAll();          // destroy every live connection, both sides
 *   p.stall(true);       // stop forwarding in both directions; nothing is closed or dropped
 *   p.stall(false);      // forward again: what was held arrives, in order
 *   p.stall(true, 'live'); // only the connections open now hang (a half-open link); new ones work
 *   p.refuse(true);      // close new connections at once
 *   await p.close();
 *
 * A stalled connection is paused on both sockets, so the bytes wait in the
 * kernel's buffers (TCP flow control), not in this process; its peers see
 * an open, silent connection, as with a lost route or a frozen host.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxyOptions {
  /** The target's port. */
  port: number;
  /** The target's host. @defaultValue '127.0.0.1' */
  host?: string;
}

export interface FaultProxy {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`: the proxy as a Redis URL. */
  readonly url: string;
  /** Connections open now. */
  readonly connections: number;
  /** Destroy every live connection, client and target side; returns how many. */
  cutAll(): number;
  /**
   * Stop (true) or resume (false) forwarding. `'all'` (the default) holds the
   * live connections and every new one until stall(false); `'live'` holds only
   * those open now. stall(false) releases every held connection.
   */
  stall(on: boolean, which?: 'all' | 'live'): void;
  /** While on, new connections are accepted and closed at once. */
  refuse(on: boolean): void;
  /** Stop listening and destroy every connection. Idempotent. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  target: Socket;
  held: boolean;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const host = options.host ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  let stallNew = false;
  let refusing = false;

  const hold = (p: Pair, on: boolean) => {
    p.held = on;
    for (const s of [p.client, p.target]) {
      if (on) s.pause();
      else if (!s.destroyed) s.resume();
    }
  };
  const drop = (p: Pair) => {
    pairs.delete(p);
    p.client.destroy();
    p.target.destroy();
  };
  // Forward by hand rather than with pipe(): pipe() resumes a source on
  // 'drain', which would undo a stall.
  const forward = (p: Pair, from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!p.held) from.resume();
    });
    from.on('close', () => drop(p));
    from.on('error', () => drop(p));
  };

  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    const target = connect(options.port, host);
    target.setNoDelay(true);
    const p: Pair = { client, target, held: false };
    pairs.add(p);
    forward(p, client, target);
    forward(p, target, client);
    if (stallNew) hold(p, true);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  let closed: Promise<void> | undefined;

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get connections() {
      return pairs.size;
    },
    cutAll() {
      const n = pairs.size;
      for (const p of [...pairs]) drop(p);
      return n;
    },
    stall(on, which = 'all') {
      stallNew = on && which === 'all';
      for (const p of pairs) hold(p, on);
    },
    refuse(on) {
      refusing = on;
    },
    close() {
      return (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const p of [...pairs]) drop(p);
      }));
    },
  };
}
