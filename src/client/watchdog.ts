/**
 * The dead-link watchdogs of the Redis adapter (redis.ts): the one for
 * commands, which looks at each link's oldest command in flight, and the
 * pings of a subscriber connection, which sends none of its own.
 */
import { Cluster, type Redis } from 'ioredis';
import { BLOCK_GRACE_MS, type Arg } from './connection.ts';

/** Commands that may legitimately wait without a reply (the reply watchdog leaves them alone). */
export const BLOCKING = new Set(['blpop', 'brpop', 'blmove', 'brpoplpush', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'wait', 'waitaof']);

/** The BLOCK time (ms; 0 = forever) of an XREAD/XREADGROUP, or undefined when it does not block. */
export function blockOf(name: string, args: Arg[]): number | undefined {
  let i: number;
  if (name === 'xread') i = 1;
  else if (name === 'xreadgroup') i = 4; // after GROUP <group> <consumer>
  else return undefined;
  for (; i < args.length - 1; i++) {
    const a = String(args[i]).toLowerCase();
    if (a === 'streams') return undefined;
    if (a === 'count') i++;
    else if (a === 'block') return Number(args[i + 1]);
  }
  return undefined;
}

/**
 * How long a command may wait for its reply before its link is taken for
 * dead (0: as long as it likes): a read with BLOCK n > 0, n +
 * BLOCK_GRACE_MS; BLOCK 0 and the list/zset blocking commands, forever;
 * any other, replyTimeoutMs (0 turns that off).
 */
export function replyLimit(name: string, args: Arg[], replyTimeoutMs: number): number {
  const block = blockOf(name, args);
  if (block !== undefined) return block > 0 ? block + BLOCK_GRACE_MS : 0;
  return BLOCKING.has(name) ? 0 : replyTimeoutMs;
}

/** What the watchdog reads of an ioredis link: the commands sent on its socket and awaiting their reply, oldest first. */
interface NodeInternals {
  commandQueue?: { length: number; peekFront(): { command: { name: string; args: Arg[] } } | undefined };
}

/**
 * The dead-link watchdog. A half-open link (a lost route, a frozen host or
 * NAT entry) stays silent, and TCP may not report it for many minutes, or
 * ever: commands sent on it wait for good. So every quarter of a second
 * (or a quarter of replyTimeoutMs, if shorter) this looks at the oldest
 * command each link has in flight (ioredis's commandQueue: a server
 * answers in order, so that one is the one waiting on it); when the same
 * one has waited past its limit (replyLimit) the socket is dropped. ioredis
 * then reconnects and sends what was in flight again; on a Cluster it
 * fetches the slots again first, so the commands go to whichever node
 * serves their slot now (a frozen master's commands to its promoted
 * replica: ioredis learns of a failover only from a MOVED reply or a
 * closed connection). A blocking read's entries delivered on the lost
 * socket stay pending for its consumer, who retries them. `links` gives
 * the connections to watch: a client's one, or a Cluster's node links.
 * No work per command: one interval per connection. Returns a function
 * that stops the watch.
 */
export function watchLinks(links: () => Redis[], replyTimeoutMs: number): () => void {
  const heads = new Map<Redis, { head: unknown; since: number; limit: number }>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const link of links()) {
      const queue = (link as unknown as NodeInternals).commandQueue;
      const head = queue !== undefined && queue.length > 0 ? queue.peekFront() : undefined;
      if (head === undefined) {
        heads.delete(link);
        continue;
      }
      const seen = heads.get(link);
      if (seen === undefined || seen.head !== head) {
        const name = head.command.name.toLowerCase();
        heads.set(link, { head, since: now, limit: replyLimit(name, [name, ...head.command.args], replyTimeoutMs) });
      } else if (seen.limit > 0 && now - seen.since >= seen.limit) {
        link.stream?.destroy(new Error(`no reply from ${link.options.host}:${link.options.port} within ${seen.limit} ms: the link is taken for dead`));
        heads.delete(link);
      }
    }
    for (const link of heads.keys()) if (link.status === 'end') heads.delete(link);
  }, replyTimeoutMs > 0 ? Math.max(20, Math.min(250, Math.floor(replyTimeoutMs / 4))) : 250);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A subscriber connection (RESP2 subscribed mode) sends nothing of its own,
 * so a half-open link would leave it silent for good, its messages lost.
 * So it sends a PING every third of `replyTimeoutMs`; one with no answer
 * after replyTimeoutMs drops the socket, as does a handshake (a reconnect's
 * ready check) with none, and ioredis reconnects and subscribes again (what
 * was published meanwhile is lost, as pub/sub is). On a Cluster the
 * subscriber is a connection ioredis keeps to one node, and moves to
 * another when it ends: the one in use at each tick. Returns a function
 * that stops the pings.
 */
export function keepSubscriberAlive(client: Redis | Cluster, replyTimeoutMs: number): () => void {
  if (!(replyTimeoutMs > 0)) return () => {};
  const current = (): Redis | null | undefined =>
    client instanceof Cluster ? (client as unknown as { subscriber?: { getInstance(): Redis | null } }).subscriber?.getInstance() : client;
  let watched: Redis | null = null;
  let waiting: 'nothing' | 'handshake' | 'ping' = 'nothing';
  let since = 0;
  const timer = setInterval(() => {
    const sub = current();
    if (!sub) return;
    if (sub !== watched) {
      watched = sub;
      waiting = 'nothing';
    }
    const now = Date.now();
    /** Start waiting for `what`, or drop the link if it has been waited for replyTimeoutMs. */
    const expect = (what: 'handshake' | 'ping'): void => {
      if (waiting !== what) {
        waiting = what;
        since = now;
      } else if (now - since >= replyTimeoutMs) {
        waiting = 'nothing';
        sub.stream?.destroy(new Error(`no answer to a subscriber's ${what === 'ping' ? 'PING' : 'handshake'} within ${replyTimeoutMs} ms: the link is taken for dead`));
      }
    };
    if (sub.status === 'connect') return expect('handshake'); // connected, the ready check unanswered
    if (sub.status !== 'ready') {
      waiting = 'nothing';
      return;
    }
    if (waiting === 'ping') return expect('ping');
    expect('ping');
    const at = since;
    const answered = () => {
      if (watched === sub && waiting === 'ping' && since === at) waiting = 'nothing';
    };
    sub.ping().then(answered, answered);
  }, Math.max(20, Math.floor(replyTimeoutMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}
