/**
 * The engine: databases, the command table, and the life of one command
 * (lookup, arity, MULTI queuing, run, blocking, propagation, waking blocked
 * clients). Single-threaded like Redis: a command runs to completion before
 * the next starts, so every command is atomic.
 *
 *   execute(session, argv)
 *     -> lookup + arity            unknown / wrong arity: error reply
 *     -> MULTI queuing             queued commands answer QUEUED
 *     -> call(): run the command   a Block parks the client (a Promise)
 *     -> afterCommand()            propagate writes, serve ready keys
 */
import { Block, type CommandSpec, type Context } from './command.ts';
import { Db } from './db.ts';
import { NOAUTH, unknownCommand, unknownSubcommand, wrongArity } from './errors.ts';
import { ErrorReply, NULL_ARRAY, QUEUED, type Reply } from './reply.ts';
import { Session, type Waiter } from './session.ts';
import { allCommands } from './commands/index.ts';
import { EngineConfig } from './config.ts';

export { EngineConfig };

export interface EngineOptions {
  /** Wall clock in ms; tests inject one to move time (and make it go backwards). */
  clock?: () => number;
  /** Number of databases (SELECT 0..n-1). @defaultValue 16 */
  databases?: number;
  /** Sample and delete expired keys in the background. @defaultValue true */
  activeExpire?: boolean;
  /**
   * Measure each command's run time for INFO commandstats (usec). Costs one
   * more clock read per command: with the system clock (no `clock` given),
   * the reading that starts the measure also gives the command's time.
   * `brook server` turns it on. @defaultValue false
   */
  commandTiming?: boolean;
}


export interface CommandStat {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
}

/**
 * INFO commandstats by command name. Emptying it (CONFIG RESETSTAT) or
 * deleting from it bumps `generation`, which drops the entry countCall
 * keeps for the last command counted.
 */
class CommandStats extends Map<string, CommandStat> {
  generation = 0;
  override clear(): void {
    this.generation++;
    super.clear();
  }
  override delete(name: string): boolean {
    this.generation++;
    return super.delete(name);
  }
}

const PUBSUB_CONTEXT = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'ping', 'quit', 'reset']);

/** Commands that run, rather than queue, inside MULTI. */
const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export type PropagateListener = (dbIndex: number, argv: string[]) => void;

export class Engine {
  readonly dbs: Db[];
  readonly commands = new Map<string, CommandSpec>();
  /** The same commands by upper-case name (lookup's fast path). */
  private readonly upperCaseNames = new Map<string, CommandSpec>();
  /** The last name looked up as sent and its command (a run of one command skips the hash look-ups). */
  private lastName = '';
  private lastCmd: CommandSpec | undefined;
  readonly clock: () => number;
  readonly config = new EngineConfig();
  /** Facts about the process serving the engine, for INFO server. */
  readonly serverInfo = { tcpPort: 0, startedAt: Date.now(), mode: 'embedded' as 'embedded' | 'server' };
  /** Random id of this engine instance (INFO run_id). */
  readonly runId = [...Array(40)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
  /** The append-only file, when persistence is attached (persistence/index.ts). */
  persistence: { rewrite(): Promise<void>; close(): void; readonly rewriting: Promise<void> | null } | null = null;
  /** INFO persistence fields; the persistence module replaces this. */
  persistenceInfo: () => Array<[string, string | number]> = () => [['aof_enabled', 0], ['aof_rewrite_in_progress', 0]];
  /** Told which CONFIG SET names changed (persistence reacts to appendonly/appendfsync). */
  readonly configListeners: Array<(names: Set<string>) => void> = [];
  /**
   * Run after every top-level command (and background expiry), before its
   * reply is released: the append-only file writes (and with appendfsync
   * always, fsyncs) here.
   */
  readonly afterCommandHooks: Array<() => void> = [];
  /** Called by SHUTDOWN (the server closes; persistence flushes). */
  readonly shutdownHooks: Array<(opts: { save: boolean }) => void> = [];
  readonly sessions = new Map<number, Session>();
  readonly stats = {
    expiredKeys: 0,
    commands: new CommandStats() as Map<string, CommandStat>,
    errors: new Map<string, number>(),
    totalCommands: 0,
    totalErrorReplies: 0,
    totalConnections: 0,
    rejectedCalls: 0,
  };
  /** True while the append-only file is being replayed: no propagation, no expiry deletions. */
  loading = false;
  /** Changes since start (Redis's server.dirty). */
  dirty = 0;
  private nextSessionId = 1;
  private wrap: 'none' | 'pending' | 'open' = 'none';
  private cmdTime = -1;
  private depth = 0;
  private readonly readyKeys: Array<[Db, string]> = [];
  private readonly propagateListeners: PropagateListener[] = [];
  private activeExpireTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly timing: boolean;
  /** The system clock read through performance.now() (commandTiming without an injected clock), else null. */
  private readonly wallClock: MonotonicWallClock | null = null;
  /** countCall's last command name, its stats entry, and the stats generation it was found in. */
  private lastStatName = '';
  private lastStat: CommandStat | undefined;
  private lastStatGeneration = -1;
  /** Reused command contexts, one per call depth (EXEC and scripts nest calls). */
  private readonly contexts: CallContext[] = [];

  constructor(options: EngineOptions = {}) {
    this.timing = options.commandTiming ?? false;
    if (options.clock === undefined && this.timing) {
      const wall = new MonotonicWallClock();
      this.wallClock = wall;
      this.clock = () => wall.at(performance.now());
    } else {
      this.clock = options.clock ?? Date.now;
    }
    const n = options.databases ?? 16;
    this.dbs = Array.from({ length: n }, (_, i) => new Db(this, i));
    for (const c of allCommands()) {
      this.commands.set(c.name, c);
      this.upperCaseNames.set(c.name.toUpperCase(), c);
    }
    if (options.activeExpire ?? true) {
      this.activeExpireTimer = setInterval(() => this.activeExpireCycle(), 100);
      this.activeExpireTimer.unref();
    }
  }

  createSession(): Session {
    const s = new Session(this, this.nextSessionId++);
    this.sessions.set(s.id, s);
    return s;
  }

  /** The command's start time while one runs, else the clock. */
  commandTime(): number {
    return this.cmdTime >= 0 ? this.cmdTime : this.clock();
  }

  /** Look up argv's command, resolving container subcommands. */
  lookup(argv: string[]): CommandSpec | ErrorReply {
    // Clients send names in lower or upper case: both are found without
    // lower-casing (a new string, hashed again) on every call.
    const raw = argv[0];
    let cmd: CommandSpec | undefined;
    if (raw === this.lastName) cmd = this.lastCmd!;
    else {
      cmd = this.commands.get(raw) ?? this.upperCaseNames.get(raw) ?? this.commands.get(raw.toLowerCase());
      if (cmd === undefined) return unknownCommand(argv);
      this.lastName = raw;
      this.lastCmd = cmd;
    }
    if (cmd.subcommands === undefined || argv.length === 1) return cmd;
    const sub = cmd.subcommands.get(argv[1].toLowerCase());
    if (sub === undefined) return unknownSubcommand(cmd.name, argv[1]);
    return sub;
  }

  /** Run a command for a client, as processCommand does. */
  execute(session: Session, argv: string[]): Reply | Promise<Reply> {
    if (argv.length === 0) return new ErrorReply('ERR empty command');
    const cmd = this.lookup(argv);
    if (cmd instanceof ErrorReply) return this.reject(session, cmd);
    if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
      return this.reject(session, wrongArity(cmd.name));
    }
    if (!session.authenticated && !cmd.flags.includes('no_auth')) return this.reject(session, NOAUTH);
    // A RESP2 connection with subscriptions may only (un)subscribe, PING, QUIT or RESET.
    if (session.resp === 2 && (session.channels.size > 0 || session.patterns.size > 0) && !PUBSUB_CONTEXT.has(cmd.name)) {
      return this.reject(
        session,
        new ErrorReply(`ERR Can't execute '${cmd.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`),
      );
    }
    if (session.multi !== null && !MULTI_CONTROL.has(cmd.name)) {
      if (cmd.flags.includes('no_multi')) {
        return this.reject(session, new ErrorReply('ERR Command not allowed inside a transaction'));
      }
      session.multi.push(argv);
      return QUEUED;
    }
    return this.call(session, cmd, argv);
  }

  /** A command refused before running: counts it, and dooms an open MULTI. */
  private reject(session: Session, error: ErrorReply): ErrorReply {
    if (session.multi !== null) session.multiError = true;
    this.countError(error);
    return error;
  }

  /**
   * Run a resolved command now (used by execute, EXEC and scripts). Returns
   * a promise only when the command blocks.
   */
  call(session: Session, cmd: CommandSpec, argv: string[]): Reply | Promise<Reply> {
    const outer = this.depth === 0;
    const start = this.timing ? performance.now() : 0;
    if (outer) {
      // As Redis's call() takes the cached time and the duration's start from one ustime().
      this.cmdTime = this.wallClock === null ? this.clock() : this.wallClock.at(start);
      session.lastInteraction = this.cmdTime;
    }
    const ctx = this.context(session);
    session.lastCommand = cmd.name;
    this.depth++;
    let reply: Reply | Block;
    try {
      reply = cmd.run(ctx, argv);
    } catch (e) {
      reply = new ErrorReply(`ERR internal error in '${cmd.name}': ${(e as Error).message}`);
    } finally {
      this.depth--;
    }
    const failed = reply instanceof ErrorReply;
    this.countCall(cmd.name, this.timing ? performance.now() - start : 0, failed);
    if (failed) this.countError(reply as ErrorReply);
    if (ctx.changes > 0) {
      this.dirty += ctx.changes;
      const db = session.dbIndex;
      if (ctx.propagated === null) this.propagate(db, argv);
      else for (const p of ctx.propagated) this.propagate(db, p);
    } else if (ctx.propagated !== null) {
      for (const p of ctx.propagated) this.propagate(session.dbIndex, p);
    }
    if (outer) {
      this.handleReadyKeys();
      this.cmdTime = -1;
      for (const h of this.afterCommandHooks) h();
    }
    if (reply instanceof Block) return this.park(session, reply);
    return reply;
  }

  /** Send a write to the append-only file and any other listener. */
  propagate(dbIndex: number, argv: string[]): void {
    if (this.loading) return;
    if (this.wrap === 'pending') {
      this.wrap = 'open';
      for (const l of this.propagateListeners) l(dbIndex, ['MULTI']);
    }
    for (const l of this.propagateListeners) l(dbIndex, argv);
  }

  /**
   * Run `fn` so that the writes it propagates are wrapped in MULTI/EXEC
   * (EXEC and scripts), and nothing is written when it wrote nothing.
   */
  atomically<T>(dbIndex: () => number, fn: () => T): T {
    if (this.wrap !== 'none') return fn();
    this.wrap = 'pending';
    try {
      return fn();
    } finally {
      const opened = (this.wrap as string) === 'open';
      this.wrap = 'none';
      if (opened) for (const l of this.propagateListeners) l(dbIndex(), ['EXEC']);
    }
  }

  configChanged(names: Set<string>): void {
    for (const l of this.configListeners) l(names);
  }

  /** Active channels and patterns (INFO stats, PUBSUB NUMPAT). */
  pubsubCounts(): { channels: number; patterns: number } {
    const channels = new Set<string>();
    const patterns = new Set<string>();
    for (const s of this.sessions.values()) {
      for (const c of s.channels) channels.add(c);
      for (const p of s.patterns) patterns.add(p);
    }
    return { channels: channels.size, patterns: patterns.size };
  }

  /** Whether anything listens to propagation (commands may skip building rewrites). */
  get propagating(): boolean {
    return this.propagateListeners.length > 0;
  }

  onPropagate(listener: PropagateListener): () => void {
    this.propagateListeners.push(listener);
    return () => {
      const i = this.propagateListeners.indexOf(listener);
      if (i >= 0) this.propagateListeners.splice(i, 1);
    };
  }

  /** signalKeyAsReady: clients blocked on `key` get a retry after this command. */
  signalReady(db: Db, key: string): void {
    if (db.blocking.size !== 0 && db.blocking.has(key)) this.readyKeys.push([db, key]);
  }

  private park(session: Session, block: Block): Reply | Promise<Reply> {
    if (session.denyBlocking || this.closed) return block.onTimeout();
    return new Promise<Reply>((resolve) => {
      const db = session.db;
      const waiter: Waiter = { session, db, block, resolve, timer: undefined };
      session.blocked = waiter;
      for (const key of block.keys) {
        let list = db.blocking.get(key);
        if (list === undefined) db.blocking.set(key, (list = []));
        if (!list.includes(waiter)) list.push(waiter);
      }
      if (block.timeoutMs > 0) {
        waiter.timer = setTimeout(() => this.finishWaiter(waiter, block.onTimeout()), block.timeoutMs);
      }
    });
  }

  private finishWaiter(waiter: Waiter, reply: Reply): void {
    const { session, db, block } = waiter;
    if (session.blocked !== waiter) return;
    session.blocked = undefined;
    if (waiter.timer) clearTimeout(waiter.timer);
    for (const key of block.keys) {
      const list = db.blocking.get(key);
      if (!list) continue;
      const i = list.indexOf(waiter);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) db.blocking.delete(key);
    }
    waiter.resolve(reply);
  }

  /** Serve clients blocked on keys that became ready, FIFO per key, until none are left. */
  private handleReadyKeys(): void {
    while (this.readyKeys.length > 0) {
      const batch = this.readyKeys.splice(0, this.readyKeys.length);
      for (const [db, key] of batch) {
        const list = db.blocking.get(key);
        if (list === undefined) continue;
        for (const waiter of [...list]) {
          if (waiter.session.blocked !== waiter) continue;
          const reply = this.retryWaiter(waiter, key);
          if (reply !== undefined) this.finishWaiter(waiter, reply);
        }
      }
    }
  }

  /** The context for a command at the current depth, reset for `session`. */
  private context(session: Session): CallContext {
    let ctx = this.contexts[this.depth];
    if (ctx === undefined) this.contexts[this.depth] = ctx = new CallContext(this);
    ctx.reset(session, this.cmdTime);
    return ctx;
  }

  private retryWaiter(waiter: Waiter, key: string): Reply | undefined {
    this.cmdTime = this.clock();
    const ctx = this.context(waiter.session);
    this.depth++;
    let reply: Reply | undefined;
    try {
      reply = waiter.block.retry(ctx, key);
    } catch (e) {
      reply = new ErrorReply(`ERR internal error: ${(e as Error).message}`);
    } finally {
      this.depth--;
    }
    if (ctx.changes > 0) this.dirty += ctx.changes;
    if (ctx.propagated !== null) for (const p of ctx.propagated) this.propagate(waiter.db.id, p);
    return reply;
  }

  /** CLIENT UNBLOCK: finish a parked command with `reply` (default: its timeout reply). */
  unblock(session: Session, reply?: Reply): boolean {
    const w = session.blocked;
    if (w === undefined) return false;
    this.finishWaiter(w, reply === undefined ? w.block.onTimeout() : reply);
    return true;
  }

  closeSession(session: Session): void {
    if (session.blocked) this.unblock(session, NULL_ARRAY);
    for (const [db, key] of session.watching) db.watched.get(key)?.delete(session);
    session.watching.length = 0;
    this.sessions.delete(session.id);
    for (const hook of this.sessionCloseHooks) hook(session);
  }

  /** Modules (pub/sub, ...) that keep per-session state register cleanup here. */
  readonly sessionCloseHooks: Array<(s: Session) => void> = [];

  private countCall(name: string, ms: number, failed: boolean): void {
    let st: CommandStat | undefined;
    const all = this.stats.commands as CommandStats;
    if (name === this.lastStatName && all.generation === this.lastStatGeneration) st = this.lastStat!;
    else {
      st = all.get(name);
      if (st === undefined) all.set(name, (st = { calls: 0, usec: 0, rejected: 0, failed: 0 }));
      this.lastStatName = name;
      this.lastStat = st;
      this.lastStatGeneration = all.generation;
    }
    st.calls++;
    st.usec += ms * 1000;
    if (failed) st.failed++;
    this.stats.totalCommands++;
  }

  private countError(e: ErrorReply): void {
    const code = e.code;
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
    this.stats.totalErrorReplies++;
  }

  /** Redis's activeExpireCycle, simplified: sample up to 20 keys with a TTL per db. */
  private activeExpireCycle(): void {
    this.cmdTime = this.clock();
    try {
      for (const db of this.dbs) {
        if (db.expires.size === 0) continue;
        let sampled = 0;
        for (const key of db.expires.keys()) {
          if (sampled++ >= 20) break;
          db.expireIfNeeded(key);
        }
      }
      this.handleReadyKeys();
    } finally {
      this.cmdTime = -1;
    }
    for (const h of this.afterCommandHooks) h();
  }

  /** Stop timers and unblock everyone. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.persistence?.close();
    if (this.activeExpireTimer) clearInterval(this.activeExpireTimer);
    for (const s of [...this.sessions.values()]) s.close();
  }
}

/**
 * Wall-clock milliseconds from a performance.now() reading, so a command
 * timed for INFO commandstats needs no second clock read for its time.
 * The wall clock is performance.timeOrigin + the monotonic reading (they
 * differ only when the system clock is stepped); at most every 100 ms it is
 * compared with Date.now(), and re-based when the two part by a millisecond
 * or more. Between checks the result is Date.now() to within the check's
 * rounding.
 */
class MonotonicWallClock {
  private origin = performance.timeOrigin;
  private checkedAt = -Infinity;

  /** Wall ms at monotonic reading `mono` (a performance.now() value). */
  at(mono: number): number {
    if (mono - this.checkedAt >= 100) {
      this.checkedAt = mono;
      const drift = Date.now() - (this.origin + mono);
      if (drift >= 1 || drift <= -1) this.origin += drift;
    }
    return Math.floor(this.origin + mono);
  }
}

class CallContext implements Context {
  changes = 0;
  propagated: string[][] | null = null;
  db!: Db;
  session!: Session;
  now = 0;
  constructor(readonly engine: Engine) {}
  reset(session: Session, now: number): void {
    this.session = session;
    this.db = session.db;
    this.now = now;
    this.changes = 0;
    this.propagated = null;
  }
  propagate(argv: string[]): void {
    (this.propagated ??= []).push(argv);
  }
  dirty(n = 1): void {
    this.changes += n;
  }
  suppressPropagation(): void {
    this.propagated ??= [];
  }
  ready(key: string): void {
    this.engine.signalReady(this.db, key);
  }
}
