/**
 * The embedded adapter: the engine in this process, no sockets. Replies are
 * converted to the same shapes ioredis gives (see connection.ts), so code
 * above the port cannot tell the backends apart.
 */
import { binaryToUtf8, toBinary } from '../engine/bytes.ts';
import type { Engine } from '../engine/engine.ts';
import {
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  PairsReply,
  PushReply,
  SetReply,
  SimpleString,
  type Reply as EngineReply,
} from '../engine/reply.ts';
import type { Session } from '../engine/session.ts';
import { formatDouble17g } from '../engine/numbers.ts';
import type { Arg, Connection, Features, Reply, RedisReplyErrorLike } from './connection.ts';
import { BrookClientError, ClientErrorCode, RedisReplyError, isRedisReplyError } from './errors.ts';
import type { Script } from './script.ts';
import { scanKeys } from './scan.ts';

function argv(args: Arg[]): string[] {
  return args.map((a) => toBinary(a));
}

/** An engine reply in ioredis's RESP2 shapes; error replies become RedisReplyError values. */
export function convert(r: EngineReply): Reply | RedisReplyError {
  if (typeof r === 'string') return binaryToUtf8(r);
  if (typeof r === 'number') return r;
  if (r === null || r === NULL_ARRAY) return null;
  if (typeof r === 'bigint') return Number(r);
  if (Array.isArray(r)) return r.map((x) => convertInner(x));
  if (r instanceof SimpleString) return r.value;
  if (r instanceof ErrorReply) return new RedisReplyError(r.message);
  if (r instanceof PairsReply) return r.entries.map((x) => convertInner(x));
  if (r instanceof MapReply) {
    if (r.resp2Pairs) {
      const out: Reply[] = [];
      for (let i = 0; i < r.entries.length; i += 2) out.push([convertInner(r.entries[i]), convertInner(r.entries[i + 1])]);
      return out;
    }
    return r.entries.map((x) => convertInner(x));
  }
  if (r instanceof SetReply || r instanceof PushReply) return r.items.map((x) => convertInner(x));
  if (r instanceof DoubleReply) return formatDouble17g(r.value);
  return null;
}

/** Inside arrays an error stays a value (ioredis gives Error objects there too). */
function convertInner(r: EngineReply): Reply {
  const c = convert(r);
  return c instanceof RedisReplyError ? (c as unknown as Reply) : c;
}

export class EmbeddedConnection implements Connection {
  private readonly session: Session;
  private closed = false;
  private readonly children: EmbeddedConnection[] = [];
  readonly features: Features = { version: '7.0.15', scripting: false, xackdel: false, readgroupClaim: false, cluster: false, engine: true };

  /** `ownsEngine`: close() also closes the engine (the connection that opened it). */
  constructor(
    readonly engine: Engine,
    private readonly ownsEngine = false,
  ) {
    this.session = engine.createSession();
    this.features = { ...this.features, scripting: engine.commands.has('evalsha') };
  }

  async send(args: Arg[]): Promise<Reply> {
    if (this.closed) throw new BrookClientError(ClientErrorCode.Closed, 'the connection is closed');
    const r = convert(await this.session.call(argv(args)));
    if (r instanceof RedisReplyError) throw r;
    return r;
  }

  /**
   * Runs the batch synchronously while no command blocks, so nothing else
   * on this connection interleaves with it (MULTI ... EXEC in one batch is
   * safe, as over a socket).
   */
  async pipeline(commands: Arg[][]): Promise<Array<Reply | RedisReplyErrorLike>> {
    if (this.closed) throw new BrookClientError(ClientErrorCode.Closed, 'the connection is closed');
    const out: Array<Reply | RedisReplyErrorLike> = [];
    for (const c of commands) {
      const r = this.session.call(argv(c));
      out.push(convert(r instanceof Promise ? await r : r));
    }
    return out;
  }

  async duplicate(): Promise<Connection> {
    const c = new EmbeddedConnection(this.engine);
    this.children.push(c);
    return c;
  }

  async script(script: Script, keys: string[], args: Arg[]): Promise<Reply> {
    if (!this.features.scripting) {
      throw new BrookClientError(ClientErrorCode.Unsupported, 'the embedded engine in this build has no Lua scripting');
    }
    try {
      return await this.send(['EVALSHA', script.sha, keys.length, ...keys, ...args]);
    } catch (e) {
      if (!isRedisReplyError(e, 'NOSCRIPT')) throw e;
      return this.send(['EVAL', script.source, keys.length, ...keys, ...args]);
    }
  }

  scan(match: string, type?: string): AsyncIterable<string> {
    return scanKeys((args) => this.send(args), match, type);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const s = this.engine.createSession();
    s.onPush = (p) => {
      const [kind, ch, msg] = p.items as string[];
      if (kind === 'message' && ch === toBinary(channel)) onMessage(binaryToUtf8(msg));
    };
    const r = await s.call(['SUBSCRIBE', toBinary(channel)]);
    if (r instanceof ErrorReply) {
      s.close();
      throw new BrookClientError(ClientErrorCode.Unsupported, `subscribe failed: ${r.message}`);
    }
    return async () => s.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
    for (const c of this.children) await c.close();
    if (this.ownsEngine) this.engine.close();
  }
}
