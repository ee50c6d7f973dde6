/**
 * brook/client: connect(url) to the embedded engine, Redis, Sentinel or Cluster.
 */
import { openEngine } from '../engine/open.ts';
import type { Connection } from './connection.ts';
import { EmbeddedConnection } from './embedded.ts';
import { RedisConnection } from './redis.ts';
import type { ConnectOptions } from './redis-link.ts';
import { parseUrl } from './url.ts';
import { BrookClientError, ClientErrorCode } from './errors.ts';

export type { Arg, Connection, Features, Reply } from './connection.ts';
export { BrookClientError, ClientErrorCode, RedisReplyError, isRedisReplyError } from './errors.ts';
export { defineScript, loadScriptFile, type Script } from './script.ts';
export { parseUrl, type Target } from './url.ts';
export { EmbeddedConnection } from './embedded.ts';
export type { ConnectOptions } from './redis-link.ts';

/**
 * Open a connection. `brook://memory` and `brook:///dir` start an embedded
 * engine owned by the connection (closed with it); duplicate() shares it.
 * A server that cannot be reached within the URL's connectTimeoutMs (10 s
 * by default) fails with a CONNECT error. `options` (TLS) are for servers.
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Connection> {
  const t = parseUrl(url);
  if (t.kind === 'embedded') {
    if (options.tls !== undefined) throw new BrookClientError(ClientErrorCode.BadUrl, 'TLS options need a rediss:// URL, not the embedded engine');
    const engine = await openEngine({ dir: t.dir });
    return new EmbeddedConnection(engine, true);
  }
  return RedisConnection.open(t, options);
}
