/**
 * Differential testing: run the same commands on the engine and on a real
 * redis-server and compare the RESP2 bytes of each reply.
 *
 * `normalize` rewrites both sides before comparing, for what must differ
 * (auto-generated ID times, idle times). Keep it as narrow as possible.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Engine } from '../../src/engine/engine.ts';
import type { Session } from '../../src/engine/session.ts';
import { encodeReply } from '../../src/server/encode.ts';
import { RawClient, replyEnd } from './raw-client.ts';
import { startRedis, type RedisProcess } from './redis-server.ts';

export interface DiffPair {
  engine: Engine;
  session: Session;
  redis: RawClient;
  /** FLUSHALL both sides. */
  reset(): Promise<void>;
  close(): void;
}

export async function diffPair(port: number, engine = new Engine()): Promise<DiffPair> {
  const redis = await RawClient.connect(port);
  const session = engine.createSession();
  return {
    engine,
    session,
    redis,
    async reset() {
      await redis.call(['FLUSHALL']);
      await redis.call(['SELECT', '0']);
      await runEngine(session, ['FLUSHALL']);
      await runEngine(session, ['SELECT', '0']);
    },
    close() {
      redis.close();
      engine.close();
    },
  };
}

/** One command on the engine, as RESP2 bytes. */
export async function runEngine(session: Session, argv: string[]): Promise<string> {
  return encodeReply(await session.call(argv), session.resp);
}

export interface Mismatch {
  index: number;
  argv: string[];
  engine: string;
  redis: string;
}

export type Normalize = (reply: string, argv: string[]) => string;

/**
 * Run `commands` on both sides in order; the first mismatch, or null.
 * `normalize(reply, argv)` is applied to both replies, and inside a
 * transaction to each element of EXEC's reply with the command queued for
 * it (throughExec).
 */
export async function compareSequence(pair: DiffPair, commands: string[][], normalize: Normalize = (r) => r): Promise<Mismatch | null> {
  const normalizeEngine = throughExec(normalize);
  const normalizeRedis = throughExec(normalize);
  for (let i = 0; i < commands.length; i++) {
    const argv = commands[i];
    const [e, r] = await Promise.all([runEngine(pair.session, argv), pair.redis.call(argv)]);
    if (normalizeEngine(e, argv) !== normalizeRedis(r, argv)) return { index: i, argv, engine: e, redis: r };
  }
  return null;
}

/**
 * `one` (a normalizer of one command's reply) made to reach into
 * transactions: it remembers the commands queued since MULTI (those
 * answered +QUEUED) and applies `one` to each element of EXEC's array
 * reply with its command, so a queued SMEMBERS is sorted as one outside
 * MULTI is. One per side and sequence: it keeps the transaction's state.
 */
export function throughExec(one: Normalize): Normalize {
  let queued: string[][] | null = null;
  return (reply, argv) => {
    const name = argv[0].toUpperCase();
    if (queued === null) {
      if (name === 'MULTI' && reply === '+OK\r\n') queued = [];
      return one(reply, argv);
    }
    if (name === 'EXEC' || name === 'DISCARD') {
      const commands = queued;
      queued = null;
      return name === 'EXEC' ? mapArrayElements(reply, (element, i) => (i < commands.length ? one(element, commands[i]) : element)) : reply;
    }
    if (reply === '+QUEUED\r\n') queued.push(argv);
    return reply;
  };
}

/** `raw`, a RESP array, with `f` applied to each element; anything else (an error, a null array) unchanged. */
function mapArrayElements(raw: string, f: (element: string, index: number) => string): string {
  const m = /^\*(\d+)\r\n/.exec(raw);
  if (!m) return raw;
  const out: string[] = [];
  let p = m[0].length;
  for (let i = 0; i < Number(m[1]); i++) {
    const end = replyEnd(raw, p);
    if (end < 0) return raw;
    out.push(f(raw.slice(p, end), i));
    p = end;
  }
  return p === raw.length ? m[0] + out.join('') : raw;
}

export function showMismatch(m: Mismatch, commands: string[][]): string {
  const ctx = commands.slice(0, m.index + 1).map((c) => '  ' + c.map((a) => JSON.stringify(a)).join(' '));
  return `reply ${m.index} differs\n${ctx.join('\n')}\n engine: ${JSON.stringify(m.engine)}\n redis:  ${JSON.stringify(m.redis)}`;
}

/**
 * For replies whose order Redis leaves unspecified (KEYS, SMEMBERS, the key
 * list of SCAN): a flat array of bulk strings rewritten in sorted order.
 * Anything else is returned unchanged.
 */
export function sortBulkArray(raw: string): string {
  const m = /^\*(\d+)\r\n/.exec(raw);
  if (!m) return raw;
  const items: string[] = [];
  let p = m[0].length;
  for (let i = 0; i < Number(m[1]); i++) {
    const h = /^\$(\d+)\r\n/.exec(raw.slice(p, p + 24));
    if (!h) return raw;
    const len = Number(h[1]);
    const start = p + h[0].length;
    items.push(raw.slice(start, start + len));
    p = start + len + 2;
  }
  if (p !== raw.length) return raw;
  items.sort();
  return `*${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
}

/**
 * A redis-server and a DiffPair for the calling test file, started in
 * before() and stopped in after(). Returns a getter (the pair exists only
 * once before() has run).
 */
export function useDiffPair(): () => DiffPair {
  let redis: RedisProcess | undefined;
  let pair: DiffPair | undefined;
  before(async () => {
    redis = await startRedis();
    pair = await diffPair(redis.port);
  });
  after(async () => {
    pair?.close();
    await redis?.stop();
  });
  return () => pair as DiffPair;
}

export interface RandomRunOptions {
  normalise?: Normalize;
  /** Before each sequence, after the flush (e.g. leave a MULTI). */
  prepare?: (pair: DiffPair) => Promise<void>;
  /** Defaults: DIFF_RUNS or 150, DIFF_LEN or 30, DIFF_SEED or the given seed. */
  runs?: number;
  len?: number;
  seed: number;
}

/**
 * fast-check sequences of `cmd` on both sides after a flush; fails with the
 * first mismatch shown. Returns how many commands were compared (and fails
 * when fewer than the runs: a generator that produces nothing).
 */
export async function assertRandomSequencesMatch(pair: DiffPair, cmd: fc.Arbitrary<string[]>, o: RandomRunOptions): Promise<number> {
  const runs = o.runs ?? Number(process.env.DIFF_RUNS ?? 150);
  const len = Number(process.env.DIFF_LEN ?? o.len ?? 30);
  const seed = Number(process.env.DIFF_SEED ?? o.seed);
  let last = '';
  let total = 0;
  await fc
    .assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: len, size: 'max' }), async (cmds) => {
        await o.prepare?.(pair);
        await pair.reset();
        total += cmds.length;
        const m = await compareSequence(pair, cmds, o.normalise);
        if (m) last = showMismatch(m, cmds);
        return m === null;
      }),
      { numRuns: runs, seed, endOnFailure: false },
    )
    .catch((e) => {
      throw new Error(`${last}\n${(e as Error).message.split('\n').slice(0, 4).join('\n')}`);
    });
  assert.ok(total >= runs, `only ${total} commands ran`);
  return total;
}
