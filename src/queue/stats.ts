/**
 * Observability: per partition its length; per group its lag (entries not
 * yet delivered, as Redis 7 computes it), pending count and the age of its
 * oldest pending message; per consumer its pending count and idle time.
 * `registerQueueMetrics` exposes the same as Prometheus gauges, collected
 * on each scrape.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Connection, Reply } from '../client/connection.ts';
import type { Topic } from './topic.ts';

export interface ConsumerStats {
  name: string;
  pending: number;
  idleMs: number;
}

export interface GroupStats {
  name: string;
  /** Entries not yet delivered to the group; null when Redis cannot tell (after deletions). */
  lag: number | null;
  pending: number;
  /** Age of the oldest pending message (from its ID's time), 0 when none. */
  oldestPendingAgeMs: number;
  consumers: ConsumerStats[];
}

export interface PartitionStats {
  partition: number;
  stream: string;
  length: number;
  groups: GroupStats[];
}

function asMap(r: Reply): Map<string, Reply> {
  const a = r as Reply[];
  const m = new Map<string, Reply>();
  for (let i = 0; i + 1 < a.length; i += 2) m.set(String(a[i]), a[i + 1]);
  return m;
}

export async function queueStats(topic: Topic<unknown>, conn: Connection): Promise<PartitionStats[]> {
  const [secs, micros] = (await conn.send(['TIME'])) as [string, string];
  const now = Number(secs) * 1000 + Math.floor(Number(micros) / 1000);
  const out: PartitionStats[] = [];
  for (let p = 0; p < topic.partitions; p++) {
    const stream = topic.stream(p);
    const length = (await conn.send(['XLEN', stream])) as number;
    const groups: GroupStats[] = [];
    if (length > 0 || (await conn.send(['EXISTS', stream])) === 1) {
      for (const g of (await conn.send(['XINFO', 'GROUPS', stream])) as Reply[]) {
        const info = asMap(g);
        const name = String(info.get('name'));
        const pending = Number(info.get('pending'));
        let oldestPendingAgeMs = 0;
        if (pending > 0) {
          const summary = (await conn.send(['XPENDING', stream, name])) as [number, string, string, unknown];
          oldestPendingAgeMs = Math.max(0, now - Number(summary[1].split('-')[0]));
        }
        const consumers = ((await conn.send(['XINFO', 'CONSUMERS', stream, name])) as Reply[]).map((c) => {
          const m = asMap(c);
          return { name: String(m.get('name')), pending: Number(m.get('pending')), idleMs: Number(m.get('idle')) };
        });
        const lag = info.get('lag');
        groups.push({ name, lag: lag === null || lag === undefined ? null : Number(lag), pending, oldestPendingAgeMs, consumers });
      }
    }
    out.push({ partition: p, stream, length, groups });
  }
  return out;
}

/**
 * Prometheus gauges for topics, read from Redis on each scrape:
 * brook_queue_length, brook_queue_group_lag, brook_queue_group_pending,
 * brook_queue_group_oldest_pending_age_seconds, brook_queue_consumer_idle_seconds.
 */
export function registerQueueMetrics(registry: Registry, conn: Connection, topics: Array<Topic<unknown>>): void {
  // The registry collects gauges concurrently: every gauge awaits one shared refresh per scrape.
  let refreshing: Promise<void> | null = null;
  const refresh = () => (refreshing ??= collect().finally(() => (refreshing = null)));
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect: refresh });
  const gauges = {
    length: gauge('brook_queue_length', 'Entries in a partition stream', ['topic', 'partition']),
    lag: gauge('brook_queue_group_lag', 'Entries not yet delivered to a group', ['topic', 'partition', 'group']),
    pending: gauge('brook_queue_group_pending', 'Delivered, not yet acknowledged', ['topic', 'partition', 'group']),
    oldest: gauge('brook_queue_group_oldest_pending_age_seconds', 'Age of the oldest pending message', ['topic', 'partition', 'group']),
    idle: gauge('brook_queue_consumer_idle_seconds', 'Time since a consumer last read or acked', ['topic', 'partition', 'group', 'consumer']),
  };
  async function collect(): Promise<void> {
    for (const g of Object.values(gauges)) g.reset();
    for (const t of topics) {
      for (const p of await queueStats(t, conn)) {
        const base = { topic: t.name, partition: String(p.partition) };
        gauges.length.set(base, p.length);
        for (const g of p.groups) {
          const labels = { ...base, group: g.name };
          if (g.lag !== null) gauges.lag.set(labels, g.lag);
          gauges.pending.set(labels, g.pending);
          gauges.oldest.set(labels, g.oldestPendingAgeMs / 1000);
          for (const c of g.consumers) gauges.idle.set({ ...labels, consumer: c.name }, c.idleMs / 1000);
        }
      }
    }
  }
}
