/**
 * Operating queues from the shell, on any backend a URL names:
 *
 *   brook topics                             the topics and their partitions (not on Cluster)
 *   brook stats <topic>                      per partition: length; per group: lag, pending,
 *                                            oldest pending age; per consumer: pending, idle
 *   brook dlq list <topic> [--limit n]       dead letters with their reason and error
 *   brook dlq replay <topic> [--reason s] [--rate n] [--limit n]
 *   brook dlq purge <topic> [--reason s] --yes
 *   brook trim <topic> (--maxlen n | --max-age ms) [--preview]
 *
 * Common flags: --url (default $BROOK_URL, else redis://127.0.0.1:6379),
 * --prefix (default brook:), --partitions (default: counted, see
 * countPartitions), --json (machine output). Exit 0 done, 1 failed (the
 * reason on stderr), 2 bad usage.
 */
import type { Command } from 'commander';
import type { Connection } from '../client/index.ts';
import { dataFlags, duration, print, wholeNumber, withConnection } from './common.ts';
import { DeadLetters, Retention, queueStats, topic, type DeadLetter, type Topic } from '../queue/index.ts';

interface CommonFlags {
  url: string;
  prefix: string;
  partitions?: number;
  json?: boolean;
}

function common(cmd: Command): Command {
  return dataFlags(cmd.argument('<topic>', 'topic name'), 'topic').option(
    '--partitions <n>',
    'number of partitions (default: counted from the streams that exist)',
    wholeNumber(1, 1024),
  );
}

/**
 * A topic's partition count is not stored: count the partition streams that
 * exist, <prefix>{<name>:0}, :1, ... up to the first missing one. A consumer
 * creates every partition's stream (its group, MKSTREAM), a producer those
 * it writes to; --partitions says it outright.
 */
export async function countPartitions(conn: Connection, name: string, prefix: string): Promise<number> {
  let n = 0;
  while (n < 1024 && (await conn.send(['EXISTS', `${prefix}{${name}:${n}}`])) === 1) n++;
  return n;
}

/** Connect, resolve the topic (its partitions counted unless given), run `body`. */
function withTopic(what: string, name: string, f: CommonFlags, body: (t: Topic<unknown>, conn: Connection) => Promise<void>): Promise<void> {
  return withConnection(what, f.url, async (conn) => {
    const partitions = f.partitions ?? (await countPartitions(conn, name, f.prefix));
    if (partitions === 0) throw new Error(`no topic '${name}' at ${f.url} (no stream ${f.prefix}{${name}:0}; give --partitions or --prefix)`);
    await body(topic({ name, partitions, prefix: f.prefix }), conn);
  });
}

function registerStats(program: Command): void {
  common(program.command('stats').description("a topic's partitions, groups and consumers: length, lag, pending, oldest pending age, idle"))
    .action((name: string, f: CommonFlags) =>
      withTopic('stats', name, f, async (t, conn) => {
        const stats = await queueStats(t, conn);
        print(f.json, stats, () =>
          stats.flatMap((p) => [
            `partition ${p.partition} (${p.stream}): ${p.length} entries`,
            ...p.groups.flatMap((g) => [
              `  group ${g.name}: lag ${g.lag ?? 'unknown'}, pending ${g.pending}${g.pending ? `, oldest pending ${duration(g.oldestPendingAgeMs)} old` : ''}`,
              ...g.consumers.map((c) => `    consumer ${c.name}: pending ${c.pending}, idle ${duration(c.idleMs)}`),
            ]),
          ]),
        );
      }),
    );
}

/** --reason filters dead letters whose reason or error contains the text. */
const byReason = (text: string | undefined) => (text === undefined ? undefined : (d: DeadLetter) => d.reason.includes(text) || d.error.includes(text));

function registerDeadLetters(program: Command): void {
  const dlq = program.command('dlq').description("a topic's dead letters: list, replay onto the topic, purge");
  common(dlq.command('list').description('dead letters, oldest first per partition'))
    .option('--limit <n>', 'at most this many per partition', wholeNumber(1), 20)
    .action((name: string, f: CommonFlags & { limit: number }) =>
      withTopic('dlq list', name, f, async (t, conn) => {
        const letters = await new DeadLetters(t, conn).list(f.limit);
        print(f.json, letters, () =>
          letters.length === 0
            ? ['no dead letters']
            : letters.map((d) => `${d.partition}/${d.originalId} (${d.id}): ${d.reason}: ${d.error} [group ${d.group}, consumer ${d.consumer}, ${d.deliveries} deliveries] ${d.payloadText ?? ''}`),
        );
      }),
    );
  common(dlq.command('replay').description('put dead letters back on the topic as new messages and remove them from the dead letters'))
    .option('--reason <text>', 'only those whose reason or error contains this text')
    .option('--rate <n>', 'at most this many per second', wholeNumber(1))
    .option('--limit <n>', 'at most this many in all', wholeNumber(1))
    .action((name: string, f: CommonFlags & { reason?: string; rate?: number; limit?: number }) =>
      withTopic('dlq replay', name, f, async (t, conn) => {
        const replayed = await new DeadLetters(t, conn).replay({ filter: byReason(f.reason), perSecond: f.rate, limit: f.limit });
        print(f.json, { replayed }, () => [`replayed ${replayed}`]);
      }),
    );
  common(dlq.command('purge').description('delete dead letters for good'))
    .option('--reason <text>', 'only those whose reason or error contains this text')
    .option('--yes', 'really delete them (required)')
    .action((name: string, f: CommonFlags & { reason?: string; yes?: boolean }) => {
      if (!f.yes) dlq.error('brook dlq purge deletes dead letters for good: add --yes', { exitCode: 2 });
      return withTopic('dlq purge', name, f, async (t, conn) => {
        const purged = await new DeadLetters(t, conn).purge(byReason(f.reason));
        print(f.json, { purged }, () => [`purged ${purged}`]);
      });
    });
}

function registerTrim(program: Command): void {
  const trim = common(program.command('trim').description("trim a topic's partitions, never past what a group has not read or acked"))
    .option('--maxlen <n>', 'keep at most this many entries per partition', wholeNumber(0))
    .option('--max-age <ms>', 'remove entries older than this many ms', wholeNumber(1))
    .option('--preview', 'say what would be removed, remove nothing');
  trim.action((name: string, f: CommonFlags & { maxlen?: number; maxAge?: number; preview?: boolean }) => {
    if (f.maxlen === undefined && f.maxAge === undefined) trim.error('brook trim needs --maxlen or --max-age', { exitCode: 2 });
    return withTopic('trim', name, f, async (t, conn) => {
      const retention = new Retention(t, conn, { maxLen: f.maxlen, maxAgeMs: f.maxAge });
      const results = f.preview ? await retention.preview() : await retention.apply();
      const verb = f.preview ? 'would remove' : 'removed';
      print(f.json, results, () =>
        results.map((r) => `partition ${r.partition}: ${verb} ${r.removed}${r.keepFrom ? `, keeping from ${r.keepFrom}` : ''}${r.limitedBy !== 'policy' ? ` (held back by ${r.limitedBy})` : ''}`),
      );
    });
  });
}

/**
 * The topics under `prefix`: partition 0 streams, `<prefix>{<name>:0}`, found
 * with SCAN (on a Cluster, every master's), each with its partitions
 * counted. Sorted by name.
 */
export async function listTopics(conn: Connection, prefix: string): Promise<Array<{ name: string; partitions: number }>> {
  const names = new Set<string>();
  const glob = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*:0}`;
  for await (const k of conn.scan(glob, 'stream')) {
    const name = k.slice(prefix.length + 1, -':0}'.length);
    if (/^[A-Za-z0-9._-]+$/.test(name)) names.add(name); // a topic's name; other keys that match the glob are not topics
  }
  const out = [];
  for (const name of [...names].sort()) out.push({ name, partitions: await countPartitions(conn, name, prefix) });
  return out;
}

function registerTopics(program: Command): void {
  dataFlags(program.command('topics').description('the topics at a URL, with their partitions'), 'topics')
    .action((f: { url: string; prefix: string; json?: boolean }) =>
      withConnection('topics', f.url, async (conn) => {
        const topics = await listTopics(conn, f.prefix);
        print(f.json, topics, () => (topics.length === 0 ? [`no topics under '${f.prefix}'`] : topics.map((t) => `${t.name} (${t.partitions} partition${t.partitions === 1 ? '' : 's'})`)));
      }),
    );
}

export function registerQueueCommands(program: Command): void {
  registerTopics(program);
  registerStats(program);
  registerDeadLetters(program);
  registerTrim(program);
}
