/**
 * INFO [section ...]: the sections clients and tools read, in Redis's
 * format ("# Section\r\nfield:value\r\n", sections separated by a blank
 * line). Reports redis_version 7.0.15 (the semantics brook implements) and
 * brook_version beside it.
 */
import { command } from '../command.ts';
import type { Engine } from '../engine.ts';
import { REDIS_VERSION } from './hello.ts';

export const BROOK_VERSION = '0.1.0';

type Section = (e: Engine) => Array<[string, string | number]>;

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['K', 'M', 'G', 'T'];
  let v = bytes;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

const sections: Record<string, Section> = {
  server: (e) => [
    ['redis_version', REDIS_VERSION],
    ['brook_version', BROOK_VERSION],
    ['redis_mode', 'standalone'],
    ['os', `${process.platform} ${process.arch}`],
    ['arch_bits', 64],
    ['process_id', process.pid],
    ['run_id', e.runId],
    ['tcp_port', e.serverInfo.tcpPort],
    ['uptime_in_seconds', Math.floor((Date.now() - e.serverInfo.startedAt) / 1000)],
    ['uptime_in_days', Math.floor((Date.now() - e.serverInfo.startedAt) / 86400000)],
    ['executable', process.argv[1] ?? ''],
  ],
  clients: (e) => {
    let blocked = 0;
    let pubsub = 0;
    for (const s of e.sessions.values()) {
      if (s.blocked) blocked++;
      if (s.channels.size || s.patterns.size) pubsub++;
    }
    return [
      ['connected_clients', e.sessions.size],
      ['maxclients', e.config.num('maxclients')],
      ['blocked_clients', blocked],
      ['pubsub_clients', pubsub],
    ];
  },
  memory: () => {
    const m = process.memoryUsage();
    return [
      ['used_memory', m.heapUsed + m.arrayBuffers],
      ['used_memory_human', human(m.heapUsed + m.arrayBuffers)],
      ['used_memory_rss', m.rss],
      ['used_memory_rss_human', human(m.rss)],
      ['maxmemory', 0],
      ['maxmemory_human', '0B'],
      ['maxmemory_policy', 'noeviction'],
    ];
  },
  persistence: (e) => [['loading', e.loading ? 1 : 0], ...e.persistenceInfo()],
  stats: (e) => [
    ['total_connections_received', e.stats.totalConnections],
    ['total_commands_processed', e.stats.totalCommands],
    ['expired_keys', e.stats.expiredKeys],
    ['total_error_replies', e.stats.totalErrorReplies],
    ['rejected_calls', e.stats.rejectedCalls],
    ['pubsub_channels', e.pubsubCounts().channels],
    ['pubsub_patterns', e.pubsubCounts().patterns],
  ],
  replication: () => [['role', 'master'], ['connected_slaves', 0]],
  cpu: () => {
    const u = process.cpuUsage();
    return [['used_cpu_sys', (u.system / 1e6).toFixed(6)], ['used_cpu_user', (u.user / 1e6).toFixed(6)]];
  },
  commandstats: (e) =>
    [...e.stats.commands.entries()].map(([name, st]) => [
      `cmdstat_${name}`,
      `calls=${st.calls},usec=${Math.round(st.usec)},usec_per_call=${(st.calls ? st.usec / st.calls : 0).toFixed(2)},rejected_calls=${st.rejected},failed_calls=${st.failed}`,
    ]),
  errorstats: (e) => [...e.stats.errors.entries()].map(([code, n]) => [`errorstat_${code}`, `count=${n}`]),
  keyspace: (e) =>
    e.dbs
      .filter((db) => db.size > 0)
      .map((db) => [`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=0`]),
};

const DEFAULT = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'keyspace'];
const ALL = [...DEFAULT.slice(0, 7), 'commandstats', 'errorstats', 'keyspace'];
const NAMES: Record<string, string> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats',
  replication: 'Replication', cpu: 'CPU', commandstats: 'Commandstats', errorstats: 'Errorstats', keyspace: 'Keyspace',
};

export function infoText(e: Engine, wanted: string[]): string {
  let names: string[];
  if (wanted.length === 0 || wanted.includes('default')) names = DEFAULT;
  else if (wanted.includes('all') || wanted.includes('everything')) names = ALL;
  else names = ALL.filter((n) => wanted.includes(n));
  return names
    .map((n) => `# ${NAMES[n]}\r\n` + sections[n](e).map(([k, v]) => `${k}:${v}\r\n`).join(''))
    .join('\r\n');
}

/** INFO [section [section ...]] */
export const info = command({
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (ctx, argv) => infoText(ctx.engine, argv.slice(1).map((a) => a.toLowerCase())),
});
