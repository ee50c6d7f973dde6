/**
 * brook/client: connect(url) to the embedded engine, Redis, Sentinel or Cluster.
 */
import { openEngine } from '../engine/open.ts';
import type { Connection } from './connection.ts';
import { EmbeddedConnection } from './embedded.ts';
import { RedisConnection } from './redis.ts';
import { parseUrl } from './url.ts';

export type { Arg, Connection, Features, Reply } from './connection.ts';
export { BrookClientError, ClientErrorCode, RedisReplyError, isRedisReplyError } from './errors.ts';
export { defineScript, loadScriptFile, type Script } from './script.ts';
export { parseUrl, type Target } from './url.ts';
export { EmbeddedConnection } from './embedded.ts';

/**
 * Open a connection. `brook://memory` and `brook:///dir` start an embedded
 * engine owned by the connection (closed with it); duplicate() shares it.
 */
export async function connect(url: string): Promise<Connection> {
  const t = parseUrl(url);
  if (t.kind === 'embedded') {
    const engine = await openEngine({ dir: t.dir });
    return new EmbeddedConnection(engine, true);
  }
  return RedisConnection.open(t);
}
