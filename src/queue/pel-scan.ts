/**
 * The consumer's PEL scan (shared mode), run every scanIntervalMs and once
 * at start: it promotes due delayed messages, then claims, partition by
 * partition, what is due in the group's pending entries list:
 *
 *   others' entries idle >= claimIdleMs (their consumer died or hung)
 *     → XCLAIM with that min-idle (a live owner's heartbeat wins) → 'reclaimed'
 *   its own entries not in flight whose backoff passed (a failed handler, or
 *     what it had pending before a restart) → XCLAIM to self
 *
 * A claim counts a delivery; an entry claimed past maxDeliveries is dead-
 * lettered, any other is handed to the consumer (take). The scan stops
 * when the consumer has no free slot or is stopping.
 */
import type { Arg } from '../client/connection.ts';
import { promoteDue } from './delayed.ts';
import type { TakenEntry as Entry } from './ordered.ts';
import type { ConsumerParts } from './parts.ts';

/** The PEL scan reads pending entries SCAN_PAGE at a time, at most SCAN_PAGES pages a pass. */
const SCAN_PAGE = 100;
const SCAN_PAGES = 10;

/** What the scan needs of its consumer besides its parts. */
export interface PelScanHost {
  /** Whether the consumer is stopping (then the scan claims nothing more). */
  stopping(): boolean;
  /** How many more entries the consumer may take now. */
  freeSlots(): number;
  /** The delay before the next delivery after `deliveries` failed ones (Consumer.backoff). */
  backoff(deliveries: number): number;
  /** Take a claimed entry: in flight from now on, its handler started when a slot is free. */
  take(e: Entry): void;
  /** Dead-letter `e` if the consumer still owns it, else report it lost. */
  deadLetter(e: Entry, reason: string, error: string): Promise<void>;
}

export class PelScan {
  private scanning = false;

  constructor(
    private readonly parts: ConsumerParts,
    private readonly host: PelScanHost,
  ) {}

  /** Retry own failed entries whose backoff passed; take over entries of dead consumers. */
  async scan(): Promise<void> {
    if (this.scanning || this.host.stopping()) return;
    this.scanning = true;
    try {
      const { conn, topic, options: o } = this.parts;
      for (let p = 0; p < topic.partitions; p++) {
        await promoteDue(conn, topic.stream(p));
        // Any member's entries idle past claimIdleMs, then this consumer's own idle past the
        // shortest backoff. The IDLE filter keeps live members' entries (their heartbeats keep
        // them fresh) from filling the pages, however many they hold.
        if (!(await this.scanPending(p, o.claimIdleMs))) return;
        if (!(await this.scanPending(p, Math.floor(o.backoffMs * (1 - o.jitter)), o.name))) return;
      }
    } finally {
      this.scanning = false;
    }
  }

  /**
   * Go through partition `p`'s pending entries idle at least `minIdle` ms
   * (only `onlyOf`'s, if given), a page of SCAN_PAGE at a time, up to
   * SCAN_PAGES pages: claim those due (own ones whose backoff passed, others'
   * idle past claimIdleMs) and take them. False when out of free slots or
   * stopping.
   */
  private async scanPending(p: number, minIdle: number, onlyOf?: string): Promise<boolean> {
    const h = this.host;
    const { conn, topic, options: o, events, inFlight } = this.parts;
    const stream = topic.stream(p);
    let from = '-';
    for (let page = 0; page < SCAN_PAGES; page++) {
      const args: Arg[] = ['XPENDING', stream, o.group, 'IDLE', minIdle, from, '+', SCAN_PAGE];
      if (onlyOf !== undefined) args.push(onlyOf);
      const pending = (await conn.send(args)) as Array<[string, string, number, number]>;
      for (const [id, owner, idle, deliveries] of pending) {
        if (h.stopping() || h.freeSlots() <= 0) return false;
        if (inFlight.has(p, id)) continue;
        const mine = owner === o.name;
        if (mine ? idle < h.backoff(deliveries) : idle < o.claimIdleMs) continue;
        const minIdleToClaim = mine ? 0 : o.claimIdleMs;
        const claimed = (await conn.send(['XCLAIM', stream, o.group, o.name, minIdleToClaim, id])) as Array<[string, string[]]>;
        if (claimed.length === 0) {
          // Deleted from the stream (XCLAIM dropped it), or its owner came back.
          continue;
        }
        const e: Entry = { partition: p, id, fields: claimed[0][1], deliveries: deliveries + 1 };
        if (!mine) events.emit({ type: 'reclaimed', id, partition: p, from: owner, deliveries: e.deliveries });
        if (e.deliveries > o.maxDeliveries) {
          await h.deadLetter(e, `exceeded ${o.maxDeliveries} deliveries`, 'its consumers stopped before finishing it');
          continue;
        }
        h.take(e);
      }
      if (pending.length < SCAN_PAGE) break;
      from = `(${pending[pending.length - 1][0]}`;
    }
    return true;
  }
}
