/**
 * The Redis adapter: ioredis for a single server, Sentinel and Cluster.
 * Replies come as ioredis gives them in RESP2 (strings, numbers, arrays, null).
 */
import type { Socket } from 'node:net';
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis } from 'ioredis';
import type { Arg, Connection, Features, Reply, RedisReplyErrorLike } from './connection.ts';
import { BrookClientError, ClientErrorCode, RedisReplyError, isRedisReplyError } from './errors.ts';
import type { Script } from './script.ts';
import { describeTarget, detectWithin, openClient, type Client, type ConnectOptions, type ServerTarget } from './redis-link.ts';
import { scanKeys } from './scan.ts';
import { keepSubscriberAlive, watchLinks } from './watchdog.ts';

const KEYLESS = new Set(['multi', 'exec', 'discard', 'ping', 'time', 'echo', 'info', 'script', 'client', 'config', 'command', 'dbsize', 'flushall', 'flushdb']);

/** The hash slot of a command's first key, or -1 for a command without keys. */
function slotOf(cmd: Arg[]): number {
  const name = String(cmd[0]).toLowerCase();
  if (KEYLESS.has(name)) return -1;
  if (name === 'eval' || name === 'evalsha' || name === 'eval_ro' || name === 'evalsha_ro') {
    return Number(cmd[2]) > 0 ? calculateSlot(String(cmd[3])) : -1;
  }
  let at = 1;
  if (name === 'xread' || name === 'xreadgroup') {
    at = cmd.findIndex((a) => String(a).toLowerCase() === 'streams') + 1;
    if (at === 0) return -1;
  }
  const key = cmd[at];
  return key === undefined ? -1 : calculateSlot(typeof key === 'number' ? String(key) : key);
}

/**
 * Cluster: PUBLISH names no key, so ioredis would send each one to a random
 * node, and two publishes taken by different nodes can reach a subscriber
 * in either order. Send it to the master of the channel's slot instead, so
 * one connection's messages on one channel arrive in the order sent.
 */
function publishNode(client: Client, args: Arg[]): Redis | undefined {
  if (!(client instanceof Cluster) || args.length !== 3 || String(args[0]).toLowerCase() !== 'publish') return undefined;
  const owner = (client as unknown as { slots: string[][] }).slots[calculateSlot(String(args[1]))]?.[0];
  return client.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
}

/** At most this many commands of one tick leave in one write (RedisConnection.coalesce). */
const COALESCE_MAX = 64;

function toError(e: unknown): Error {
  if (e instanceof Error && e.name === 'ReplyError') return new RedisReplyError(e.message, { cause: e });
  if (e instanceof Error && /Connection is closed/.test(e.message)) {
    return new BrookClientError(ClientErrorCode.Closed, 'the connection is closed', { cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}

export class RedisConnection implements Connection {
  private closed = false;
  private subscribers: Client[] = [];
  /** Rejecters of commands in flight: close() fails them (ioredis would keep them for a reconnect). */
  private readonly inFlight = new Set<(e: Error) => void>();

  /**
   * `p`, unless close() comes first (then the closed error); its failure
   * becomes a brook error (toError). One promise per command: this runs for
   * every command, so no Promise.race or finally chain.
   */
  private track<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.inFlight.add(reject);
      p.then(
        (v) => {
          this.inFlight.delete(reject);
          resolve(v);
        },
        (e: unknown) => {
          this.inFlight.delete(reject);
          reject(toError(e));
        },
      );
    });
  }

  /** Stops the dead-link watchdog (watchLinks). */
  private readonly stopWatch: () => void;

  private constructor(
    private readonly client: Client,
    private readonly target: ServerTarget,
    private readonly options: ConnectOptions,
    readonly features: Features,
  ) {
    // Dead links: a blocking read with no reply by its BLOCK time + BLOCK_GRACE_MS, any other
    // command with none for replyTimeoutMs, drops the socket (watchdog.ts).
    this.stopWatch = watchLinks(client instanceof Cluster ? () => client.nodes('all') : () => [client], target.replyTimeoutMs);
  }

  static async open(target: ServerTarget, options: ConnectOptions = {}, features?: Features): Promise<RedisConnection> {
    if (options.tls !== undefined && !(target.kind === 'redis' && target.tls)) {
      throw new BrookClientError(ClientErrorCode.BadUrl, `TLS options need a rediss:// URL, not ${describeTarget(target)}`);
    }
    const client = await openClient(target, options);
    try {
      return new RedisConnection(client, target, options, features ?? (await detectWithin(client, target)));
    } catch (e) {
      client.disconnect(); // detect() failed (an ACL that refuses INFO, ...): do not leave the client reconnecting
      throw e;
    }
  }

  /** The socket corked until the end of this tick, if any, and how many commands it holds (coalesce). */
  private corked: Socket | null = null;
  private corkedCommands = 0;
  private readonly uncork = (): void => {
    const s = this.corked;
    this.corked = null;
    s?.uncork();
  };

  /**
   * Commands sent in one tick leave in one write: the socket is corked at
   * the first and uncorked on the next tick (a writev of them all). A
   * producer's batch, a consumer's acks and its next read then cost the
   * server one read and one reply write instead of one each per command,
   * and this process one system call. A long run of sends in one tick goes
   * out every COALESCE_MAX commands, so the server works on the first while
   * the rest are built. Not for Cluster (a socket per node).
   */
  private coalesce(): void {
    const s = this.corked;
    if (s !== null) {
      if (++this.corkedCommands < COALESCE_MAX) return;
      this.corkedCommands = 0;
      s.uncork();
      s.cork();
      return;
    }
    if (!(this.client instanceof Redis)) return;
    const stream = this.client.stream as Socket | undefined;
    if (stream === undefined || stream.destroyed) return;
    stream.cork();
    this.corked = stream;
    this.corkedCommands = 1;
    process.nextTick(this.uncork);
  }

  /** Not async: one promise per command (track's), the common path allocating little else. */
  send(args: Arg[]): Promise<Reply> {
    if (this.closed) return Promise.reject(new BrookClientError(ClientErrorCode.Closed, 'the connection is closed'));
    let reply: Promise<unknown>;
    try {
      this.coalesce();
      const client = (this.client instanceof Cluster && publishNode(this.client, args)) || this.client;
      reply = (client.call as unknown as (...a: Arg[]) => Promise<unknown>).apply(client, args); // call(name, ...args) without copying args
    } catch (e) {
      return Promise.reject(toError(e));
    }
    return this.track(reply) as Promise<Reply>;
  }

  async pipeline(commands: Arg[][]): Promise<Array<Reply | RedisReplyErrorLike>> {
    if (this.closed) throw new BrookClientError(ClientErrorCode.Closed, 'the connection is closed');
    if (this.features.cluster) return this.clusterPipeline(commands);
    return this.pipelineOnce(commands);
  }

  /**
   * Cluster: ioredis sends a pipeline to one node only, so split it by hash
   * slot (a MULTI ... EXEC block stays whole), run the parts concurrently,
   * and put the replies back in order. Order holds within each slot.
   */
  private async clusterPipeline(commands: Arg[][]): Promise<Array<Reply | RedisReplyErrorLike>> {
    const groups = new Map<number, number[]>();
    let i = 0;
    while (i < commands.length) {
      const unit: number[] = [i];
      if (String(commands[i][0]).toLowerCase() === 'multi') {
        while (++i < commands.length) {
          unit.push(i);
          if (String(commands[i][0]).toLowerCase() === 'exec') break;
        }
      }
      i++;
      const slot = unit.map((j) => slotOf(commands[j])).find((s) => s >= 0) ?? -1;
      const g = groups.get(slot) ?? [];
      g.push(...unit);
      groups.set(slot, g);
    }
    if (groups.size <= 1) return this.pipelineOnce(commands);
    const out: Array<Reply | RedisReplyErrorLike> = new Array(commands.length);
    await Promise.all(
      [...groups.values()].map(async (idx) => {
        const res = await this.pipelineOnce(idx.map((j) => commands[j]));
        idx.forEach((j, k) => (out[j] = res[k]));
      }),
    );
    return out;
  }

  private async pipelineOnce(commands: Arg[][]): Promise<Array<Reply | RedisReplyErrorLike>> {
    const p = this.client.pipeline();
    const call = p.call as unknown as (...args: Arg[]) => void; // call(name, ...args), without copying each command
    for (const c of commands) call.apply(p, c);
    const res = (await this.track(p.exec())) ?? [];
    return res.map(([err, val]) => (err ? (toError(err) as RedisReplyErrorLike) : (val as Reply)));
  }

  duplicate(): Promise<Connection> {
    return RedisConnection.open(this.target, this.options, this.features);
  }

  async script(script: Script, keys: string[], args: Arg[]): Promise<Reply> {
    try {
      return await this.send(['EVALSHA', script.sha, keys.length, ...keys, ...args]);
    } catch (e) {
      if (!isRedisReplyError(e, 'NOSCRIPT')) throw e;
      return this.send(['EVAL', script.source, keys.length, ...keys, ...args]);
    }
  }

  async *scan(match: string, type?: string): AsyncIterable<string> {
    if (this.closed) throw new BrookClientError(ClientErrorCode.Closed, 'the connection is closed');
    if (!(this.client instanceof Cluster)) return yield* scanKeys((args) => this.send(args), match, type);
    for (const node of this.client.nodes('master')) {
      yield* scanKeys((args) => (node.call as unknown as (...a: Arg[]) => Promise<unknown>).apply(node, args), match, type);
    }
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const sub = await openClient(this.target, this.options);
    this.subscribers.push(sub);
    const stopPings = keepSubscriberAlive(sub, this.target.replyTimeoutMs);
    sub.once('end', stopPings);
    sub.on('message', (ch: string, msg: string) => {
      if (ch === channel) onMessage(msg);
    });
    await sub.subscribe(channel);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      // Resolve once the server has seen the UNSUBSCRIBE: a PUBLISH after this no longer counts it.
      await sub.unsubscribe(channel).catch(() => {});
      sub.disconnect();
      this.subscribers = this.subscribers.filter((s) => s !== sub);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatch();
    for (const s of this.subscribers) s.disconnect();
    const closedError = new BrookClientError(ClientErrorCode.Closed, 'the connection is closed');
    for (const reject of this.inFlight) reject(closedError);
    this.inFlight.clear();
    this.client.disconnect();
  }
}
