/**
 * Connection URLs:
 *   brook://memory                      the embedded engine, in memory
 *   brook:///abs/path/to/dir            the embedded engine, persisted to a folder
 *   redis://[user:pass@]host[:port][/db] and rediss:// (TLS)
 *   redis+sentinel://[pass@]host:port[,host:port...]/masterName[/db]
 *   redis+cluster://[pass@]host:port[,host:port...]
 *   any server URL may end in ?replyTimeoutMs=<ms>&connectTimeoutMs=<ms> (see LinkOptions)
 */
import { BrookClientError, ClientErrorCode } from './errors.ts';

export type Target =
  | { kind: 'embedded'; dir?: string }
  | ({ kind: 'redis'; host: string; port: number; db: number; username?: string; password?: string; tls: boolean } & LinkOptions)
  | ({ kind: 'sentinel'; sentinels: Array<{ host: string; port: number }>; name: string; db: number; password?: string } & LinkOptions)
  | ({ kind: 'cluster'; nodes: Array<{ host: string; port: number }>; password?: string } & LinkOptions);

/** Query parameters of a server URL (`redis://host:6379?replyTimeoutMs=5000&connectTimeoutMs=2000`). */
export interface LinkOptions {
  /**
   * How long connect() (and a connection's duplicate() or subscribe()) keeps
   * trying to reach the server (or, with Sentinel, the master through the
   * sentinels) before it fails with a CONNECT error naming the last cause. A
   * refused or dropped connection is retried within this time (a server may
   * be starting); a rejected password or TLS certificate fails at once.
   * @defaultValue 10000
   */
  connectTimeoutMs: number;
  /**
   * A command (other than a blocking read, which has its own limit) that has
   * had no reply for this long while the link is up takes the socket for
   * dead: it is dropped, ioredis reconnects and resends. 0 turns it off.
   * @defaultValue 30000
   */
  replyTimeoutMs: number;
}

function linkOptions(url: string, query: string | undefined): LinkOptions {
  const o: LinkOptions = { connectTimeoutMs: 10_000, replyTimeoutMs: 30_000 };
  for (const [k, v] of new URLSearchParams(query ?? '')) {
    if (k !== 'replyTimeoutMs' && k !== 'connectTimeoutMs') bad(url, `unknown parameter '${k}' (connectTimeoutMs, replyTimeoutMs)`);
    if (!/^\d+$/.test(v)) bad(url, `${k} must be a whole number of ms, got '${v}'`);
    if (k === 'connectTimeoutMs' && Number(v) === 0) bad(url, 'connectTimeoutMs must be at least 1 ms');
    if (Number(v) > 2_147_483_647) bad(url, `${k} must be at most 2147483647 ms (a timer's limit)`);
    o[k] = Number(v);
  }
  return o;
}

function bad(url: string, why: string): never {
  throw new BrookClientError(ClientErrorCode.BadUrl, `cannot use connection URL '${url}': ${why}`);
}

function hostPorts(url: string, list: string): Array<{ host: string; port: number }> {
  return list.split(',').map((hp) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hp);
    if (!m) bad(url, `'${hp}' is not host[:port]`);
    const port = m[2] ? Number(m[2]) : 6379;
    if (port < 1 || port > 65535) bad(url, `port ${m[2]} out of range`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

function credentials(url: string, auth: string | undefined): { username?: string; password?: string } {
  if (!auth) return {};
  const i = auth.indexOf(':');
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      bad(url, 'bad %-encoding in credentials');
    }
  };
  return i < 0 ? { password: dec(auth) } : { username: dec(auth.slice(0, i)) || undefined, password: dec(auth.slice(i + 1)) };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

export function parseUrl(url: string): Target {
  const m = /^([a-z+]+):\/\/(.*)$/i.exec(url);
  if (!m) bad(url, 'expected scheme://...');
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (scheme === 'brook') {
    if (rest === 'memory') return { kind: 'embedded' };
    if (rest.startsWith('/') && rest.length > 1) return { kind: 'embedded', dir: rest };
    bad(url, "use brook://memory or brook:///absolute/path");
  }
  const [beforeQuery, query] = splitOnce(rest, '?');
  const link = linkOptions(url, query);
  const at = beforeQuery.lastIndexOf('@');
  const auth = at >= 0 ? beforeQuery.slice(0, at) : undefined;
  const after = at >= 0 ? beforeQuery.slice(at + 1) : beforeQuery;
  const [hostsPart, ...path] = after.split('/');
  if (!hostsPart) bad(url, 'no host');
  const cred = credentials(url, auth);
  const dbOf = (s: string | undefined) => {
    if (s === undefined || s === '') return 0;
    if (!/^\d+$/.test(s)) bad(url, `database '${s}' is not a number`);
    return Number(s);
  };
  if (scheme === 'redis' || scheme === 'rediss') {
    const hosts = hostPorts(url, hostsPart);
    if (hosts.length !== 1) bad(url, 'one host expected (use redis+cluster:// or redis+sentinel:// for several)');
    return { kind: 'redis', ...hosts[0], db: dbOf(path[0]), ...cred, tls: scheme === 'rediss', ...link };
  }
  if (scheme === 'redis+sentinel') {
    if (!path[0]) bad(url, 'the master name is missing: redis+sentinel://host:port/mymaster');
    return { kind: 'sentinel', sentinels: hostPorts(url, hostsPart), name: decodeURIComponent(path[0]), db: dbOf(path[1]), password: cred.password, ...link };
  }
  if (scheme === 'redis+cluster') {
    if (path.some((p) => p !== '')) bad(url, 'Cluster has no databases: drop the /path');
    return { kind: 'cluster', nodes: hostPorts(url, hostsPart), password: cred.password, ...link };
  }
  bad(url, `unknown scheme '${scheme}' (brook, redis, rediss, redis+sentinel, redis+cluster)`);
}
