/**
 * Settings read and written with CONFIG GET / CONFIG SET, by their Redis
 * names. Values are kept as strings as Redis shows them; typed getters
 * serve the hot paths. Memory sizes accept Redis's units (1mb, 2gb, ...).
 */
import { err } from './errors.ts';
import type { ErrorReply } from './reply.ts';

type Kind = 'int' | 'bool' | 'string' | 'memory' | 'enum';

interface Def {
  kind: Kind;
  value: string;
  values?: string[];
  min?: number;
  max?: number;
}

const MB = 1024 * 1024;

function defs(): Map<string, Def> {
  return new Map<string, Def>([
    ['stream-node-max-entries', { kind: 'int', value: '100', min: 0 }],
    ['stream-node-max-bytes', { kind: 'memory', value: '4096', min: 0 }],
    ['requirepass', { kind: 'string', value: '' }],
    ['maxclients', { kind: 'int', value: '10000', min: 1 }],
    ['proto-max-bulk-len', { kind: 'memory', value: String(512 * MB), min: 1024 * 1024 }],
    ['client-query-buffer-limit', { kind: 'memory', value: String(1024 * MB), min: 1024 * 1024 }],
    ['appendonly', { kind: 'bool', value: 'no' }],
    ['appendfsync', { kind: 'enum', value: 'everysec', values: ['always', 'everysec', 'no'] }],
    ['appendfilename', { kind: 'string', value: 'appendonly.aof' }],
    ['dir', { kind: 'string', value: '' }],
    ['auto-aof-rewrite-percentage', { kind: 'int', value: '100', min: 0 }],
    ['auto-aof-rewrite-min-size', { kind: 'memory', value: String(64 * MB), min: 0 }],
    ['aof-load-truncated', { kind: 'bool', value: 'yes' }],
    ['lua-time-limit', { kind: 'int', value: '5000', min: 0 }],
    ['busy-reply-threshold', { kind: 'int', value: '5000', min: 0 }],
    ['timeout', { kind: 'int', value: '0', min: 0 }],
    ['databases', { kind: 'int', value: '16', min: 1 }],
    ['port', { kind: 'int', value: '6379', min: 0, max: 65535 }],
    ['bind', { kind: 'string', value: '127.0.0.1' }],
    ['save', { kind: 'string', value: '' }],
    ['maxmemory', { kind: 'memory', value: '0', min: 0 }],
    ['maxmemory-policy', { kind: 'enum', value: 'noeviction', values: ['noeviction'] }],
    ['hz', { kind: 'int', value: '10', min: 1, max: 500 }],
    ['notify-keyspace-events', { kind: 'string', value: '' }],
    ['latency-tracking', { kind: 'bool', value: 'yes' }],
    ['slowlog-log-slower-than', { kind: 'int', value: '10000' }],
    ['slowlog-max-len', { kind: 'int', value: '128', min: 0 }],
  ]);
}

/** Parse "100", "1k", "2mb", "1gb" as Redis's memtoull does. */
export function parseMemory(s: string): number | null {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: MB, g: 1e9, gb: 1024 * MB };
  return Number(m[1]) * (m[2] ? mult[m[2].toLowerCase()] : 1);
}

export class EngineConfig {
  private readonly defs = defs();
  /** Cached typed values for hot paths. */
  streamNodeMaxEntries = 100;
  streamNodeMaxBytes = 4096;

  names(): string[] {
    return [...this.defs.keys()];
  }

  get(name: string): string | undefined {
    return this.defs.get(name.toLowerCase())?.value;
  }

  /** A numeric setting (ints and memory sizes). */
  num(name: string): number {
    return Number(this.get(name) ?? 0);
  }

  /** Set one value as CONFIG SET does; an error reply when it is refused. */
  set(name: string, value: string): ErrorReply | null {
    const key = name.toLowerCase();
    const d = this.defs.get(key);
    if (d === undefined) return err(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
    let v = value;
    const invalid = (why: string) => err(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
    switch (d.kind) {
      case 'bool': {
        const l = value.toLowerCase();
        if (l !== 'yes' && l !== 'no') return invalid("argument must be 'yes' or 'no'");
        v = l;
        break;
      }
      case 'enum':
        if (!d.values!.includes(value.toLowerCase())) return invalid('argument(s) must be one of the following: ' + d.values!.join(', '));
        v = value.toLowerCase();
        break;
      case 'int': {
        if (!/^-?\d+$/.test(value)) return invalid('argument couldn\'t be parsed into an integer');
        const n = Number(value);
        if ((d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) {
          return invalid(`argument must be between ${d.min ?? '-inf'} and ${d.max ?? 'inf'} inclusive`);
        }
        break;
      }
      case 'memory': {
        const n = parseMemory(value);
        if (n === null) return invalid("argument must be a memory value");
        if (d.min !== undefined && n < d.min) return invalid(`argument must be between ${d.min} and inf inclusive`);
        v = String(n);
        break;
      }
      default:
        break;
    }
    d.value = v;
    if (key === 'stream-node-max-entries') this.streamNodeMaxEntries = Number(v);
    if (key === 'stream-node-max-bytes') this.streamNodeMaxBytes = Number(v);
    return null;
  }
}
