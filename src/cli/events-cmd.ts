/**
 * The event store from the shell:
 *
 *   brook events read <stream> [--from v] [--to v] [--backwards] [--limit n]
 *   brook events log [--since time] [--type t ...] [--stream s] [--limit n]
 *   brook events append <stream> <type> <data-json> --partitions n [--expected-version v] [--id id]
 *
 * `log` reads the global log in append order across streams (per partition;
 * partitions merged by time), optionally only some event types or streams.
 * Common flags: --url (default $BROOK_URL, else redis://127.0.0.1:6379),
 * --prefix (brook:), --partitions (the store's, default 4 for reading;
 * append needs it given: it decides which partition a stream lives in), --json. Exit 0 done, 1 failed, 2 bad usage.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Connection } from '../client/index.ts';
import { EventStore, type ExpectedVersion, type RecordedEvent } from '../eventstore/index.ts';
import { dataFlags, print, wholeNumber, withConnection } from './common.ts';

interface StoreFlags {
  url: string;
  prefix: string;
  partitions: number;
  json?: boolean;
}

function storeFlags(cmd: Command): Command {
  return dataFlags(cmd, 'store').option('--partitions <n>', "the store's partitions (as it was created with)", wholeNumber(1), 4);
}

/** How far past --partitions to look for a partition log that says the store has more. */
const LOOK_BEYOND = 64;

/**
 * Open the store. A partition log beyond the partitions given (looked for up
 * to LOOK_BEYOND further) means the store was made with more: reading a
 * stream would then look in the wrong partition, so that fails instead.
 */
function withStore(what: string, f: StoreFlags, body: (store: EventStore) => Promise<void>): Promise<void> {
  return withConnection(what, f.url, async (conn: Connection) => {
    const store = new EventStore({ connection: conn, prefix: f.prefix, partitions: f.partitions });
    const beyond = Array.from({ length: LOOK_BEYOND }, (_, i) => `${f.prefix}{es:${f.partitions + i}}:log`);
    const found = (await conn.pipeline(beyond.map((k) => ['EXISTS', k]))).findIndex((r) => r === 1);
    if (found >= 0) throw new Error(`${beyond[found]} exists: the store has more than ${f.partitions} partitions (give --partitions)`);
    await body(store);
  });
}

/** One event as a line: `<stream> v<version> <time> <type> <data>`. */
function line(e: RecordedEvent): string {
  return `${e.stream} v${e.version} ${new Date(e.timestamp).toISOString()} ${e.type} ${JSON.stringify(e.data)}`;
}

/** --since: an ISO time (2026-12-01, 2026-12-01T10:00:00Z) or ms since the epoch (10 digits or more). */
function time(v: string): number {
  const t = /^\d{10,}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new InvalidArgumentError(`expected an ISO time or ms since the epoch, got '${v}'`);
  return t;
}

/** --expected-version: a version number, any, no-stream or exists. */
function expectedVersion(v: string): ExpectedVersion {
  if (v === 'any' || v === 'no-stream' || v === 'exists') return v;
  if (/^\d+$/.test(v)) return Number(v);
  throw new InvalidArgumentError(`expected a version, any, no-stream or exists, got '${v}'`);
}

const collect = (v: string, all: string[] = []) => [...all, v];

export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('the event store: read a stream, read the global log, append');

  storeFlags(events.command('read').description("a stream's events, in version order").argument('<stream>', 'stream name'))
    .option('--from <version>', 'first version (inclusive)', wholeNumber(1))
    .option('--to <version>', 'last version (inclusive)', wholeNumber(1))
    .option('--backwards', 'newest first')
    .option('--limit <n>', 'at most this many', wholeNumber(1))
    .action((stream: string, f: StoreFlags & { from?: number; to?: number; backwards?: boolean; limit?: number }) =>
      withStore('events read', f, async (store) => {
        const list = await store.readStream(stream, { from: f.from, to: f.to, direction: f.backwards ? 'backwards' : 'forwards', count: f.limit });
        print(f.json, list, () => (list.length === 0 ? [`no events in stream '${stream}'`] : list.map(line)));
      }),
    );

  storeFlags(events.command('log').description('the global log across streams in append order, optionally filtered'))
    .option('--since <time>', 'events appended at or after this time (ISO, or ms since the epoch)', time)
    .option('--type <type>', 'only events of this type (repeatable)', collect)
    .option('--stream <stream>', 'only events of this stream (repeatable)', collect)
    .option('--limit <n>', 'at most this many (after filtering)', wholeNumber(1), 100)
    .action((f: StoreFlags & { since?: number; type?: string[]; stream?: string[]; limit: number }) =>
      withStore('events log', f, async (store) => {
        const keep = (e: RecordedEvent) => (!f.type || f.type.includes(e.type)) && (!f.stream || f.stream.includes(e.stream));
        const out: RecordedEvent[] = [];
        let read = await store.readAll({ fromTime: f.since, count: 1000 });
        for (;;) {
          for (const e of read.events) if (keep(e) && out.length < f.limit) out.push(e);
          if (read.events.length === 0 || out.length >= f.limit) break;
          read = await store.readAll({ after: read.checkpoint, count: 1000 });
        }
        print(f.json, out, () => (out.length === 0 ? ['no events'] : out.map(line)));
      }),
    );

  storeFlags(events.command('append').description('append one event to a stream').argument('<stream>', 'stream name').argument('<type>', 'event type').argument('<data>', 'event data as JSON'))
    .option('--expected-version <v>', 'fail unless the stream is at this version (a number, any, no-stream, exists)', expectedVersion)
    .option('--id <id>', 'event id: the same id again appends nothing (default: a new UUID)')
    .action((stream: string, type: string, data: string, f: StoreFlags & { expectedVersion?: ExpectedVersion; id?: string }, cmd: Command) => {
      // The partition count decides where the event goes: a wrong one would put it where the application never reads.
      if (cmd.getOptionValueSource('partitions') === 'default') events.error('brook events append: give --partitions, the count the store was made with', { exitCode: 2 });
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch (e) {
        events.error(`brook events append: <data> is not JSON: ${(e as Error).message}`, { exitCode: 2 });
      }
      return withStore('events append', f, async (store) => {
        const r = await store.append(stream, [{ type, data: parsed, id: f.id }], { expectedVersion: f.expectedVersion });
        print(f.json, r, () => [r.duplicate ? `already stored: '${stream}' is at version ${r.version}` : `appended: '${stream}' is at version ${r.version}`]);
      });
    });
}
