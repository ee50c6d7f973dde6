/**
 * Scripting for one engine: the script cache (sha1 -> body and flags), the
 * Lua VM, and how one EVAL runs (Redis 7.0's eval.c and script.c).
 *
 * A script runs atomically: the engine is single-threaded and the script is
 * one command. Its writes are propagated as the commands it ran (effects
 * replication, Redis 7's only mode), wrapped in MULTI/EXEC.
 *
 * A runaway script: past busy-reply-threshold (5000 ms) a script that has
 * not written is stopped with a BUSY error; one that has written cannot be
 * stopped without breaking atomicity (Redis would only let SHUTDOWN NOSAVE
 * end it), so it goes on and a warning is logged each threshold period.
 * Unlike Redis, brook cannot answer other clients with BUSY meanwhile: the
 * script holds the JavaScript thread.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { Session } from '../session.ts';
import { LuaVm, type ScriptLogger } from './vm.ts';

const FLAG_NAMES = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;
type ScriptFlag = (typeof FLAG_NAMES)[number];

export interface CachedScript {
  readonly sha: string;
  readonly body: string;
  /** No shebang: Redis's backwards-compatible mode (may write unless run with *_RO). */
  readonly compat: boolean;
  readonly flags: ReadonlySet<ScriptFlag>;
}

const defaultLogger: ScriptLogger = (level, message) => {
  if (level === 'notice' || level === 'warning') process.stderr.write(`[brook] script ${level}: ${message}\n`);
};

export class Scripting {
  private vm: LuaVm;
  private readonly scripts = new Map<string, CachedScript>();
  private readonly client: Session;
  /** Where redis.log and slow-script warnings go. */
  logger: ScriptLogger = defaultLogger;

  constructor(private readonly engine: Engine) {
    this.client = new Session(engine, 0);
    this.client.denyBlocking = true;
    this.client.isScript = true;
    this.client.name = 'lua';
    this.vm = this.newVm();
  }

  private newVm(): LuaVm {
    return new LuaVm(this.engine, this.client, (level, msg) => this.logger(level, msg));
  }

  has(sha: string): boolean {
    return this.scripts.has(sha);
  }

  get(sha: string): CachedScript | undefined {
    return this.scripts.get(sha);
  }

  /** SCRIPT FLUSH: forget every script and start a fresh interpreter. */
  flush(): void {
    this.scripts.clear();
    this.vm = this.newVm();
  }

  /** Compile and cache `body` (luaCreateFunction); an ErrorReply when it does not compile. */
  load(body: string): CachedScript | ErrorReply {
    const sha = sha1hex(body);
    const known = this.scripts.get(sha);
    if (known) return known;
    const shebang = parseShebang(body);
    if (shebang instanceof ErrorReply) return shebang;
    // The shebang line is skipped but its line feed kept, so line numbers stay right.
    const error = this.vm.compile(sha, body, shebang.length);
    if (error !== null) return new ErrorReply(`ERR Error compiling script (new function): ${error}`.replace(/[\r\n]/g, ' '));
    const script: CachedScript = { sha, body, compat: shebang.compat, flags: shebang.flags };
    this.scripts.set(sha, script);
    return script;
  }

  /** Run a cached script for `caller` (evalGenericCommand after the lookup). */
  run(caller: Session, script: CachedScript, keys: string[], args: string[], roCommand: boolean): Reply {
    if (!script.compat && !script.flags.has('no-writes') && roCommand) {
      return new ErrorReply('ERR Can not execute a script with write flag using *_ro command.');
    }
    const client = this.client;
    client.dbIndex = caller.dbIndex;
    client.authenticated = true;
    const run = {
      sha: script.sha,
      caller,
      readOnly: roCommand || script.flags.has('no-writes'),
      startedAt: performance.now(),
      thresholdMs: this.engine.config.num('busy-reply-threshold'),
      wrote: false,
      resp: 2 as 2 | 3,
      timedOut: false,
      warnedAt: 0,
    };
    // EVAL is flagged noscript, so a script never starts another one.
    return this.engine.atomically(() => client.dbIndex, () => this.vm.call(run, keys, args));
  }
}

export function sha1hex(body: string): string {
  return createHash('sha1').update(Buffer.from(body, 'latin1')).digest('hex');
}

function parseShebang(body: string): { length: number; compat: boolean; flags: Set<ScriptFlag> } | ErrorReply {
  const flags = new Set<ScriptFlag>();
  if (!body.startsWith('#!')) return { length: 0, compat: true, flags };
  const end = body.indexOf('\n');
  if (end < 0) return new ErrorReply('ERR Invalid script shebang');
  const parts = body.slice(0, end).split(/[ \t\r]+/).filter((p) => p.length > 0);
  if (parts.length === 0) return new ErrorReply('ERR Invalid engine in script shebang');
  if (parts[0] !== '#!lua') return new ErrorReply(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return new ErrorReply(`ERR Unknown lua shebang option: ${part}`);
    const list = part.slice(6);
    for (const f of list === '' ? [] : list.split(',')) {
      if (!(FLAG_NAMES as readonly string[]).includes(f)) return new ErrorReply(`ERR Unexpected flag in script shebang: ${f}`);
      flags.add(f as ScriptFlag);
    }
  }
  return { length: end, compat: false, flags };
}

const perEngine = new WeakMap<Engine, Scripting>();

/** The engine's scripting state, created on first use. */
export function scriptingOf(engine: Engine): Scripting {
  let s = perEngine.get(engine);
  if (s === undefined) perEngine.set(engine, (s = new Scripting(engine)));
  return s;
}
