/**
 * `brook server`: the engine over TCP, speaking RESP2/RESP3 to any Redis
 * client. One engine Session per connection; commands of a connection run
 * in order (a blocked command holds back the ones pipelined after it, as in
 * Redis, while the socket keeps being read into the query buffer).
 *
 * Limits as Redis has them: proto-max-bulk-len and the multibulk length are
 * checked by the parser before allocating; client-query-buffer-limit closes
 * a client that sends too much without completing a command; pub/sub
 * subscribers whose output buffer passes client-output-buffer-limit pubsub
 * (hard 32 MiB, or soft 8 MiB for 60 s) are disconnected. A protocol error
 * is answered and closes that connection only.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Engine } from '../engine/engine.ts';
import { ErrorReply, PushReply, type Reply } from '../engine/reply.ts';
import type { Session } from '../engine/session.ts';
import { encodeReply } from './encode.ts';
import { RequestParser } from './parse.ts';

export interface ServerOptions {
  engine: Engine;
  /** @defaultValue 6379 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Log lines (start, protocol errors); default: none. */
  log?: (line: string) => void;
}

export interface ConnectionInfo {
  addr: string;
  laddr: string;
  fd: number;
  closeAfterReply?: boolean;
  /** Set while the output buffer is over the soft pub/sub limit (ms). */
  softLimitSince?: number;
  kill?: () => void;
}

const MB = 1024 * 1024;

export class BrookServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private nextFd = 8;
  readonly engine: Engine;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ServerOptions) {
    this.engine = options.engine;
    this.log = options.log ?? (() => {});
    this.server = createServer((socket) => this.accept(socket));
    this.engine.shutdownHooks.push(() => void this.close());
  }

  /** Start listening; resolves with the bound address. */
  listen(): Promise<{ port: number; host: string }> {
    const port = this.options.port ?? 6379;
    const host = this.options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as { port: number; address: string };
        this.engine.serverInfo.tcpPort = a.port;
        resolve({ port: a.port, host: a.address });
      });
    });
  }

  /** Stop accepting, close every connection. Idempotent. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const engine = this.engine;
    const maxClients = engine.config.num('maxclients');
    if (engine.sessions.size >= maxClients) {
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    this.sockets.add(socket);
    engine.stats.totalConnections++;
    socket.setNoDelay(true);
    const session = engine.createSession();
    session.authenticated = !engine.config.get('requirepass');
    const info: ConnectionInfo = {
      addr: `${socket.remoteAddress}:${socket.remotePort}`,
      laddr: `${socket.localAddress}:${socket.localPort}`,
      fd: this.nextFd++,
      kill: () => socket.destroy(),
    };
    Object.assign(session.info, info);
    new Connection(socket, session, engine, this.log, () => this.sockets.delete(socket));
  }
}

class Connection {
  private readonly parser: RequestParser;
  private running = false;
  private out: string[] = [];
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly session: Session,
    private readonly engine: Engine,
    private readonly log: (line: string) => void,
    private readonly onClose: () => void,
  ) {
    this.parser = new RequestParser({
      get maxBulkLen() {
        return engine.config.num('proto-max-bulk-len');
      },
      authRequired: () => !session.authenticated,
    });
    session.onPush = (p) => this.push(p);
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => this.teardown());
    socket.on('error', () => this.teardown());
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
    this.onClose();
  }

  private onData(d: Buffer): void {
    this.parser.push(d);
    const limit = this.engine.config.num('client-query-buffer-limit');
    if (this.parser.pending > limit) {
      this.log(`closing client ${String(this.session.info.addr)}: query buffer over client-query-buffer-limit`);
      this.socket.destroy();
      return;
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.closed) {
        const cmd = this.parser.next();
        if (cmd === null) break;
        if (!Array.isArray(cmd)) {
          this.out.push(encodeReply(new ErrorReply(`ERR ${cmd.error}`), this.session.resp));
          this.log(`protocol error from ${String(this.session.info.addr)}: ${cmd.error}`);
          this.flush();
          this.socket.end();
          this.teardown();
          return;
        }
        let reply: Reply | Promise<Reply> = this.session.call(cmd);
        if (reply instanceof Promise) {
          this.flush();
          reply = await reply;
          if (this.closed) return;
        }
        if (this.session.info.noReply !== true) this.out.push(encodeReply(reply, this.session.resp));
        if (this.session.info.closeAfterReply) {
          this.flush();
          this.socket.end();
          this.teardown();
          return;
        }
      }
    } finally {
      this.running = false;
    }
    this.flush();
  }

  private push(p: PushReply): void {
    if (this.closed) return;
    this.out.push(encodeReply(p, this.session.resp));
    if (!this.running) this.flush();
    this.checkOutputLimit();
  }

  /** client-output-buffer-limit pubsub 32mb 8mb 60 */
  private checkOutputLimit(): void {
    const pending = this.socket.writableLength;
    if (this.session.channels.size === 0 && this.session.patterns.size === 0) return;
    const hard = 32 * MB;
    const soft = 8 * MB;
    const now = Date.now();
    if (pending > hard) return this.killSlow('hard');
    if (pending > soft) {
      const since = (this.session.info.softLimitSince as number | undefined) ?? now;
      this.session.info.softLimitSince = since;
      if (now - since >= 60_000) this.killSlow('soft');
    } else {
      delete this.session.info.softLimitSince;
    }
  }

  private killSlow(which: string): void {
    this.log(`closing slow pub/sub client ${String(this.session.info.addr)}: output buffer over the ${which} limit`);
    this.socket.destroy();
    this.teardown();
  }

  private flush(): void {
    if (this.out.length === 0 || this.closed) return;
    const data = this.out.length === 1 ? this.out[0] : this.out.join('');
    this.out = [];
    this.socket.write(Buffer.from(data, 'latin1'));
  }
}
