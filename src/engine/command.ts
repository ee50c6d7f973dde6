/**
 * What a command is: its name, arity and flags as Redis declares them (so
 * COMMAND INFO can answer), and a `run` function. By convention each file in
 * commands/ keeps argument parsing (a pure function from argv to options or
 * an error reply) apart from execution.
 */
import type { Reply } from './reply.ts';
import type { Db } from './db.ts';
import type { Engine } from './engine.ts';
import type { Session } from './session.ts';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'fast'
  | 'no_auth'
  | 'no_multi'
  | 'allow_busy'
  | 'may_replicate'
  | 'skip_slowlog';

export interface Context {
  readonly engine: Engine;
  readonly session: Session;
  /** The session's selected database. */
  readonly db: Db;
  /** Milliseconds, read once when the command (or its MULTI/script) started. */
  readonly now: number;
  /**
   * Replace what the command writes to the append-only file (Redis's
   * alsoPropagate): e.g. XADD * becomes XADD with the generated ID. Without
   * a call, a write command that changed something is propagated as sent.
   */
  propagate(argv: string[]): void;
  /** Propagate nothing for this command, even if it changed something (it propagated its effects itself). */
  suppressPropagation(): void;
  /** Count a change (Redis's server.dirty); a write with no change is not propagated. */
  dirty(n?: number): void;
  /** A key got data that blocked clients may want (signalKeyAsReady). */
  ready(key: string): void;
}

/**
 * A command that must wait: the engine parks the client on `keys` and calls
 * `retry` (FIFO among waiters) whenever one of them is signalled ready;
 * `retry` returns the reply to finish with, or undefined to keep waiting.
 * On timeout or inside MULTI/scripts, `onTimeout()` is the reply.
 */
export class Block {
  constructor(
    readonly keys: string[],
    /** 0 waits forever. */
    readonly timeoutMs: number,
    readonly retry: (ctx: Context, key: string) => Reply | undefined,
    readonly onTimeout: () => Reply,
  ) {}
}

export interface CommandSpec {
  /** Lower-case; a subcommand is "container|sub", e.g. "xgroup|create". */
  readonly name: string;
  /** Redis arity: n means exactly n words (name included), -n at least n. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Key positions as COMMAND INFO gives them (0, 0, 0 for none). */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** For a container (XGROUP, XINFO, CONFIG, ...): its subcommands by lower-case name. */
  readonly subcommands?: ReadonlyMap<string, CommandSpec>;
  run(ctx: Context, argv: string[]): Reply | Block;
}

type Def = Omit<CommandSpec, 'firstKey' | 'lastKey' | 'step' | 'subcommands'> &
  Partial<Pick<CommandSpec, 'firstKey' | 'lastKey' | 'step'>>;

/** Define a command; key positions default to "the first argument is the only key". */
export function command(def: Def): CommandSpec {
  return { firstKey: 1, lastKey: 1, step: 1, ...def };
}

/** Define a container command (XGROUP, XINFO, ...) from its subcommands. */
export function container(
  name: string,
  arity: number,
  subs: CommandSpec[],
  flags: CommandFlag[] = [],
  /** What the bare command does (COMMAND alone lists every command). */
  bare?: CommandSpec['run'],
): CommandSpec {
  const map = new Map(subs.map((s) => [s.name.slice(s.name.indexOf('|') + 1), s]));
  return {
    name,
    arity,
    flags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    subcommands: map,
    run:
      bare ??
      (() => {
        throw new Error(`container ${name} has no body`);
      }),
  };
}
