/**
 * Opening an ioredis client for a server target (single, Sentinel,
 * Cluster): its options, waiting until it is ready within connectTimeoutMs
 * with a clear error otherwise, and detecting what the server can do.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Features } from './connection.ts';
import { BrookClientError, ClientErrorCode } from './errors.ts';
import type { Target } from './url.ts';

export type Client = Redis | Cluster;
export type ServerTarget = Exclude<Target, { kind: 'embedded' }>;

/** connect()'s options for a server (the URL carries the rest). */
export interface ConnectOptions {
  /**
   * TLS settings for `rediss://`, as node:tls takes them: `ca` to trust a
   * server whose certificate a private CA signed, `cert` and `key` for a
   * client certificate, `servername`. Without them `rediss://` checks the
   * server's certificate against Node's CAs (and NODE_EXTRA_CA_CERTS).
   * Only `rediss://` URLs take them.
   */
  tls?: TlsOptions;
}

function makeClient(t: ServerTarget, options: ConnectOptions): Client {
  const common: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: false };
  switch (t.kind) {
    case 'redis':
      return new Redis({ ...common, host: t.host, port: t.port, db: t.db, username: t.username, password: t.password, tls: t.tls ? (options.tls ?? {}) : undefined });
    case 'sentinel':
      // failoverDetector: watch the sentinels' +switch-master and move at once; without it the
      // connection stays on the old master (and its writes are lost) until Sentinel demotes it, ~10 s on.
      return new Redis({ ...common, sentinels: t.sentinels, name: t.name, db: t.db, password: t.password, failoverDetector: true });
    case 'cluster':
      // No ready check: ioredis would ask one node picked at random for CLUSTER INFO, and a
      // frozen node would hold connect() until connectTimeoutMs. Ready once the slots are read
      // (each node asked in turn, a second at most each).
      return new Cluster(t.nodes, { lazyConnect: true, enableReadyCheck: false, redisOptions: { password: t.password, maxRetriesPerRequest: null } });
  }
}

/** Where a target points, for error messages. */
export function describeTarget(t: ServerTarget): string {
  if (t.kind === 'redis') return `${t.tls ? 'rediss' : 'redis'}://${t.host}:${t.port}`;
  const list = (t.kind === 'sentinel' ? t.sentinels : t.nodes).map((n) => `${n.host}:${n.port}`).join(',');
  return t.kind === 'sentinel' ? `master '${t.name}' through the sentinels at ${list}` : `the cluster at ${list}`;
}

/** An error no retry mends: a rejected password, a TLS certificate the client does not trust, a master name Sentinel does not know. */
function isFatal(e: Error): boolean {
  const code = (e as { code?: unknown }).code;
  if (/^(WRONGPASS|NOAUTH|NOPERM)\b|invalid password|No such master with that name/.test(e.message)) return true;
  if (typeof code === 'string' && /CERT|TLS|SSL|LEAF|ISSUER/.test(code)) return true;
  const nodeError = (e as { lastNodeError?: unknown }).lastNodeError; // Cluster: the node's own reason
  return nodeError instanceof Error && isFatal(nodeError);
}

/**
 * Connect `client` and wait until it is ready, within the target's
 * connectTimeoutMs: a refused or dropped connection is retried meanwhile
 * (ioredis does that itself), a fatal error fails at once. On failure the
 * client is disconnected (it would retry for ever) and a CONNECT error names
 * the last cause.
 */
function whenReady(client: Client, t: ServerTarget): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let last: Error | undefined;
    const done = (failure?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      if (failure === undefined) return resolve();
      client.disconnect();
      let why = failure.message.replace(/ Retrying from scratch after \d+ms\./, ''); // ioredis's Sentinel wording; this client stops here
      if (t.kind === 'sentinel' && /No such master with that name/.test(why)) why = `the sentinels know no master '${t.name}'`;
      const nodeError = (failure as { lastNodeError?: unknown }).lastNodeError; // Cluster: why the slots could not be read
      if (nodeError instanceof Error) why += ` (${nodeError.message})`;
      const when = isFatal(failure) ? '' : ` within ${t.connectTimeoutMs} ms`;
      reject(new BrookClientError(ClientErrorCode.Connect, `cannot connect to ${describeTarget(t)}${when}: ${why}`, { cause: failure }));
    };
    const onReady = () => done();
    const onError = (e: Error) => {
      last = e;
      if (isFatal(e)) done(e);
    };
    const timer = setTimeout(() => done(last ?? new Error('the server did not answer')), t.connectTimeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
    client.connect().catch((e: unknown) => {
      if (e instanceof Error && !/Connection is closed/.test(e.message)) onError(e); // the cause came as an 'error' event already
    });
  });
}

/**
 * What the server can do (Features), asked once per connect(); fails with a
 * CONNECT error when the server does not answer within connectTimeoutMs
 * (it was ready, then went silent).
 */
export function detectWithin(client: Client, t: ServerTarget): Promise<Features> {
  return new Promise<Features>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BrookClientError(ClientErrorCode.Connect, `cannot connect to ${describeTarget(t)} within ${t.connectTimeoutMs} ms: no answer to INFO`)),
      t.connectTimeoutMs,
    );
    detect(client, t.kind === 'cluster').then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

async function detect(client: Client, cluster: boolean): Promise<Features> {
  // Cluster: ask the master that answers first (a keyless command would go to one picked at random, frozen or not).
  const c = client instanceof Cluster ? await Promise.any(client.nodes('master').map(async (n) => (await n.ping(), n))) : client;
  const info = String(await c.call('INFO', 'server'));
  const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '0.0.0';
  const has = async (name: string) => {
    try {
      const r = (await c.call('COMMAND', 'INFO', name)) as unknown[];
      return Array.isArray(r) && r[0] !== null;
    } catch {
      return false;
    }
  };
  const [major, minor] = version.split('.').map(Number);
  return {
    version,
    scripting: await has('evalsha'),
    xackdel: await has('xackdel'),
    readgroupClaim: major > 8 || (major === 8 && minor >= 4),
    cluster,
    engine: /^brook_version:/m.test(info),
  };
}

/** A connected client, ready for commands (whenReady). */
export async function openClient(t: ServerTarget, options: ConnectOptions): Promise<Client> {
  const client = makeClient(t, options);
  client.on('error', () => {
    // ioredis reconnects by itself; command failures reach the caller.
  });
  await whenReady(client, t);
  return client;
}

