/**
 * Loading the append-only file at start: replay every command through a
 * session with propagation off (engine.loading). A last command cut short
 * (a crash mid-write) is truncated away and reported, as redis-check-aof
 * --fix would; bytes that are not RESP anywhere stop the load with an error
 * naming the offset (never skipped: `repairAof` truncates there on request).
 */
import { readFileSync, truncateSync } from 'node:fs';
import type { Engine } from '../engine.ts';
import { ErrorReply } from '../reply.ts';
import { readCommands } from './format.ts';

export interface LoadReport {
  commands: number;
  /** Bytes dropped from a torn tail. */
  truncatedBytes: number;
  /** Replies that were errors (a healthy file has none). */
  errors: number;
}

export class AofCorruptError extends Error {
  readonly code = 'AOF_CORRUPT';
  constructor(
    readonly path: string,
    readonly offset: number,
    reason: string,
  ) {
    super(
      `append-only file ${path} is corrupt at byte ${offset}: ${reason}. ` +
        `Nothing was loaded. Inspect the file, or truncate it at that offset with repairAof() / 'brook aof-fix ${path}' (data after it is lost).`,
    );
    this.name = 'AofCorruptError';
  }
}

export function loadAof(engine: Engine, path: string, log: (line: string) => void = () => {}): LoadReport {
  let data: string;
  try {
    data = readFileSync(path).toString('latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { commands: 0, truncatedBytes: 0, errors: 0 };
    throw e;
  }
  const r = readCommands(data);
  if (r.kind === 'corrupt') throw new AofCorruptError(path, r.offset, r.reason);
  let truncatedBytes = 0;
  if (r.kind === 'torn') {
    if (engine.config.get('aof-load-truncated') !== 'yes') {
      throw new AofCorruptError(path, r.validUpTo, 'the last command is incomplete (aof-load-truncated is no)');
    }
    truncatedBytes = data.length - r.validUpTo;
    truncateSync(path, r.validUpTo);
    log(`AOF ${path}: last command was incomplete; truncated ${truncatedBytes} bytes at offset ${r.validUpTo}`);
  }
  const session = engine.createSession();
  session.denyBlocking = true;
  engine.loading = true;
  let errors = 0;
  try {
    for (const { argv } of r.commands) {
      const reply = session.call(argv);
      if (reply instanceof ErrorReply || reply instanceof Promise) errors++;
    }
  } finally {
    engine.loading = false;
    session.close();
  }
  if (errors) log(`AOF ${path}: ${errors} commands answered with errors while loading`);
  return { commands: r.commands.length, truncatedBytes, errors };
}

/** Truncate a corrupt file at its first bad byte (redis-check-aof --fix). Returns bytes removed. */
export function repairAof(path: string): number {
  const data = readFileSync(path).toString('latin1');
  const r = readCommands(data);
  const at = r.kind === 'ok' ? data.length : r.kind === 'torn' ? r.validUpTo : r.commands.length ? r.commands[r.commands.length - 1].end : 0;
  if (at < data.length) truncateSync(path, at);
  return data.length - at;
}
