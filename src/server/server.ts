/**
 * `brook server`: the engine over TCP, speaking RESP2/RESP3 to any Redis
 * client. One engine Session per connection; commands of a connection run
 * in order (a blocked command holds back the ones pipelined after it, as in
 * Redis, while the socket keeps being read into the query buffer).
 *
 * Limits as Redis has them: proto-max-bulk-len and the multibulk length are
 * checked by the parser before allocating; client-query-buffer-limit closes
 * a client that sends too much without completing a command;
 * client-output-buffer-limit closes a client whose pending output passes its
 * class's hard limit, or its soft limit for too long (output-limits.ts): it
 * is checked whenever output is added and by a cron at `hz`, as Redis's
 * clientsCron does. A protocol error is answered and closes that connection
 * only.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Engine } from '../engine/engine.ts';
import { ErrorReply, PushReply, type Reply } from '../engine/reply.ts';
import type { Session } from '../engine/session.ts';
import { encodeReply } from './encode.ts';
import {
  installOutputLimits, limitClassOf, outputLimitLogLine, overOutputLimit, type OutputLimitsSetting, type SoftLimitClock,
} from './output-limits.ts';
import { RequestParser } from './parse.ts';
import { readShared } from './reads.ts';

/** The least client-query-buffer-limit CONFIG SET accepts (1 MiB). */
const MIN_QUERY_BUFFER_LIMIT = 1024 * 1024;

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
  kill?: () => void;
}

export class BrookServer {
  private readonly server: Server;
  private readonly connections = new Map<Socket, Connection>();
  private nextFd = 8;
  readonly engine: Engine;
  private readonly log: (line: string) => void;
  private readonly outputLimits: OutputLimitsSetting;
  private cron: NodeJS.Timeout | undefined;

  constructor(private readonly options: ServerOptions) {
    this.engine = options.engine;
    this.log = options.log ?? (() => {});
    this.outputLimits = installOutputLimits(this.engine.config);
    // Accepted paused: readShared() reads each connection into a shared buffer.
    this.server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
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
        this.startCron();
        resolve({ port: a.port, host: a.address });
      });
    });
  }

  /** Stop accepting, close every connection. Idempotent. */
  close(): Promise<void> {
    clearInterval(this.cron);
    for (const s of this.connections.keys()) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(accepted: Socket): void {
    const engine = this.engine;
    const maxClients = engine.config.num('maxclients');
    if (engine.sessions.size >= maxClients) {
      accepted.end('-ERR max number of clients reached\r\n');
      return;
    }
    engine.stats.totalConnections++;
    let conn: Connection | undefined;
    const { socket, shared } = readShared(accepted, this.server, (d) => conn!.onData(d, shared));
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
    conn = new Connection(socket, session, engine, this.outputLimits, this.log, () => this.connections.delete(socket));
    this.connections.set(socket, conn);
  }

  /**
   * Check every client's output limits `hz` times a second, so a soft limit
   * held long enough closes a client that gets no new output, and a CONFIG
   * SET lowering a limit takes effect.
   */
  private startCron(): void {
    clearInterval(this.cron);
    const hz = Math.max(1, this.engine.config.num('hz') || 10);
    this.cron = setInterval(() => {
      for (const c of this.connections.values()) c.checkOutputLimit();
    }, 1000 / hz);
    this.cron.unref();
  }
}

class Connection {
  private readonly parser: RequestParser;
  private running = false;
  /** Replies encoded but not yet written to the socket: a binary string, so its length is its size in bytes. */
  private out = '';
  private closed = false;
  private readonly softLimit: SoftLimitClock = { softSince: undefined };

  constructor(
    private readonly socket: Socket,
    private readonly session: Session,
    private readonly engine: Engine,
    private readonly limits: OutputLimitsSetting,
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
    socket.on('close', () => this.teardown());
    socket.on('error', () => this.teardown());
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
    this.onClose();
  }

  /** Bytes from the client; `shared`: `d` is the shared read buffer, so what stays unparsed is copied out. */
  onData(d: Buffer, shared: boolean): void {
    if (this.closed) return;
    this.parser.push(d);
    const pending = this.parser.pending;
    // CONFIG SET refuses a client-query-buffer-limit under 1 MiB, so a
    // smaller query buffer needs no look-up of the setting.
    if (pending > MIN_QUERY_BUFFER_LIMIT && pending > this.engine.config.num('client-query-buffer-limit')) {
      this.log(`closing client ${String(this.session.info.addr)}: query buffer over client-query-buffer-limit`);
      this.socket.destroy();
      return;
    }
    this.drain();
    if (shared) this.parser.own();
  }

  /**
   * Run the commands in the query buffer, in order, and write their replies
   * with one socket write. Synchronous until a command blocks: then the
   * replies so far are written, and the rest waits for its reply.
   */
  private drain(): void {
    if (this.running) return;
    this.running = true;
    let blocked = false;
    try {
      blocked = this.runCommands();
    } finally {
      this.running = blocked;
    }
    this.flush();
  }

  /** Run complete commands until the buffer is empty; true when one blocked (resume() goes on). */
  private runCommands(): boolean {
    while (!this.closed) {
      const cmd = this.parser.next();
      if (cmd === null) return false;
      if (!Array.isArray(cmd)) {
        this.append(encodeReply(new ErrorReply(`ERR ${cmd.error}`), this.session.resp));
        this.log(`protocol error from ${String(this.session.info.addr)}: ${cmd.error}`);
        this.flush();
        this.socket.end();
        this.teardown();
        return false;
      }
      const reply = this.session.call(cmd);
      if (reply instanceof Promise) {
        this.flush();
        void reply.then((r) => this.resume(r));
        return true;
      }
      if (this.answer(reply)) return false;
    }
    return false;
  }

  /** A blocked command finished with `reply`: answer it, then run what was pipelined after it. */
  private resume(reply: Reply): void {
    this.running = false;
    if (this.closed || this.answer(reply)) return;
    this.drain();
  }

  /**
   * Queue one command's reply (unless CLIENT REPLY turned replies off).
   * True when the connection was closed (output limit, QUIT) and nothing
   * more must run.
   */
  private answer(reply: Reply): boolean {
    const info = this.session.info;
    if (info.noReply !== true) {
      this.append(encodeReply(reply, this.session.resp));
      if (this.checkOutputLimit()) return true;
    }
    if (info.closeAfterReply) {
      this.flush();
      this.socket.end();
      this.teardown();
      return true;
    }
    return false;
  }

  private push(p: PushReply): void {
    if (this.closed || this.socket.destroyed) return;
    this.append(encodeReply(p, this.session.resp));
    if (!this.running) this.flush();
    this.checkOutputLimit();
  }

  private append(data: string): void {
    this.out += data;
  }

  /**
   * Bytes of output the server holds for this client: node's socket buffer
   * (what the kernel has not taken) plus replies not yet written to it.
   */
  get outputBytes(): number {
    return this.socket.writableLength + this.out.length;
  }

  /**
   * Close the client if its output passes its class's limit (hard: now;
   * soft: held too long). True when it was closed.
   */
  checkOutputLimit(now?: number): boolean {
    if (this.closed || this.socket.destroyed) return this.closed;
    const limit = this.limits.current[limitClassOf(this.session)];
    if (limit.hard === 0n && limit.soft === 0n) {
      this.softLimit.softSince = undefined;
      return false;
    }
    now ??= Date.now();
    const over = overOutputLimit(limit, this.outputBytes, this.softLimit, now);
    if (over === null) return false;
    this.log(outputLimitLogLine(this.session, now));
    this.socket.destroy();
    this.teardown();
    return true;
  }

  /**
   * Write the queued replies as one latin1 string: node copies a string
   * under 16 KiB to the stack and tries the write at once, so a small
   * batch allocates no Buffer.
   */
  private flush(): void {
    if (this.out.length === 0 || this.closed) return;
    const data = this.out;
    this.out = '';
    this.socket.write(data, 'latin1');
  }
}
