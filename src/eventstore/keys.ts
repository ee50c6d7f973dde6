/**
 * Key layout. An aggregate stream and its partition's global log share a
 * hash tag, so an append is one script on one Cluster slot (DESIGN.md):
 *
 *   <prefix>{es:<p>}:log              partition p's global log (a stream)
 *   <prefix>{es:<p>}:s:<stream>       the stream's events, entry ID 0-<version>
 *   <prefix>{es:<p>}:m:<stream>       hash: v (version), deleted
 *   <prefix>{es:<p>}:ids:<stream>     hash: event id -> "<version> <log id>"
 *   <prefix>{es:<p>}:snap:<stream>    hash: version, state, evolve
 *   <prefix>{es:cp}:<subscription>    hash: partition -> last log id handled
 *
 * p = FNV-1a(stream) mod partitions.
 */
export interface KeyLayout {
  readonly prefix: string;
  readonly partitions: number;
  partitionOf(stream: string): number;
  log(partition: number): string;
  events(stream: string): string;
  meta(stream: string): string;
  ids(stream: string): string;
  snapshot(stream: string): string;
  checkpoint(name: string): string;
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function keyLayout(prefix: string, partitions: number): KeyLayout {
  const tag = (p: number) => `${prefix}{es:${p}}`;
  const partitionOf = (stream: string) => fnv1a(stream) % partitions;
  const inTag = (kind: string) => (stream: string) => `${tag(partitionOf(stream))}:${kind}:${stream}`;
  return {
    prefix,
    partitions,
    partitionOf,
    log: (p) => `${tag(p)}:log`,
    events: inTag('s'),
    meta: inTag('m'),
    ids: inTag('ids'),
    snapshot: inTag('snap'),
    checkpoint: (name) => `${prefix}{es:cp}:${name}`,
  };
}
