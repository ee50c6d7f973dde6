/**
 * What the dead-link watchdogs (redis.ts) need to know of a command: how
 * long it may legitimately go without a reply; and the watchdog of a
 * Cluster client, which looks at each node's commands in flight.
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

/** What the watchdog reads of an ioredis node: the commands sent on its socket and awaiting their reply, oldest first. */
interface NodeInternals {
  commandQueue?: { length: number; peekFront(): { command: { name: string; args: Arg[] } } | undefined };
}

/**
 * Cluster: ioredis sends each command to the node serving its slot, and a
 * node that stops answering (a frozen host, a half-open link) holds what
 * was sent to it until TCP gives up, which can be never, even after the
 * cluster has failed that node over: ioredis learns of the new master only
 * from a MOVED reply or a closed connection. So every quarter of a second
 * this looks at the oldest command each node has in flight (ioredis's
 * commandQueue: a node answers in order, so that one is waiting on the
 * node); when the same one has waited past its limit (replyLimit), the
 * node's socket is dropped. ioredis then fails what was in flight on it
 * with "Connection is closed", fetches the slots again and sends those
 * commands once more, to whichever node serves their slot now. Returns a
 * function that stops the watch.
 */
export function watchClusterNodes(cluster: Cluster, replyTimeoutMs: number): () => void {
  const heads = new Map<Redis, { head: unknown; since: number; limit: number }>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const node of cluster.nodes('all')) {
      const queue = (node as unknown as NodeInternals).commandQueue;
      const head = queue !== undefined && queue.length > 0 ? queue.peekFront() : undefined;
      if (head === undefined) {
        heads.delete(node);
        continue;
      }
      const seen = heads.get(node);
      if (seen === undefined || seen.head !== head) {
        const name = head.command.name.toLowerCase();
        heads.set(node, { head, since: now, limit: replyLimit(name, [name, ...head.command.args], replyTimeoutMs) });
      } else if (seen.limit > 0 && now - seen.since >= seen.limit) {
        node.stream?.destroy(new Error(`no reply from ${node.options.host}:${node.options.port} within ${seen.limit} ms: the link is taken for dead`));
        heads.delete(node);
      }
    }
    for (const node of heads.keys()) if (node.status === 'end') heads.delete(node);
  }, 250);
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
