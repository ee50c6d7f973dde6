/**
 * A crash in the middle of appends: brook server (a child process, with
 * appendfsync always) and a real redis-server (appendonly yes, appendfsync
 * always) are SIGKILLed while writers append batches of events; after a
 * restart every batch is there entirely or not at all, every acknowledged
 * append is there, versions have no gaps, and the global log holds exactly
 * the streams' events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Connection } from '../../src/client/index.ts';
import { EventStore } from '../../src/eventstore/index.ts';
import { startBrookChild } from '../support/brook-server.ts';
import { startRedis } from '../support/redis-server.ts';

const BATCH = 5;

async function writeUntilKilled(conn: Connection, kill: () => Promise<void>): Promise<Map<string, number>> {
  const store = new EventStore({ connection: conn, partitions: 2 });
  const acked = new Map<string, number>();
  let running = true;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; running; i++) {
      const stream = `w${w}-s${i % 3}`;
      try {
        const r = await store.append(stream, Array.from({ length: BATCH }, (_, k) => ({ type: 'E', data: { w, i, k } })));
        acked.set(stream, r.version);
      } catch {
        return;
      }
    }
  });
  await new Promise((r) => setTimeout(r, 200 + Math.random() * 200));
  await kill();
  running = false;
  // Appends in flight at the kill fail once the connection is closed (ioredis would wait for a reconnect).
  await conn.close();
  await Promise.all(writers);
  return acked;
}

async function check(conn: Connection, acked: Map<string, number>): Promise<void> {
  const store = new EventStore({ connection: conn, partitions: 2 });
  assert.ok(acked.size > 0, 'some appends were acknowledged');
  let total = 0;
  for (let w = 0; w < 4; w++) {
    for (let s = 0; s < 3; s++) {
      const stream = `w${w}-s${s}`;
      const events = await store.readStream(stream);
      const version = await store.streamVersion(stream);
      assert.equal(events.length, version, `${stream}: events match the stored version`);
      assert.equal(version % BATCH, 0, `${stream}: whole batches only (version ${version})`);
      assert.deepEqual(events.map((e) => e.version), Array.from({ length: version }, (_, i) => i + 1));
      assert.ok(version >= (acked.get(stream) ?? 0), `${stream}: acknowledged version ${acked.get(stream)} kept`);
      total += version;
    }
  }
  const { events } = await store.readAll({ count: 100_000 });
  assert.equal(events.length, total, 'the global log holds exactly the streams\' events');
}

test('kill -9 of brook server during appends: all of each append or none, nothing acknowledged lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brook-es-crash-'));
  try {
    const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];
    const first = await startBrookChild(args);
    const conn = await connect(`redis://127.0.0.1:${first.port}`);
    const acked = await writeUntilKilled(conn, () => first.kill('SIGKILL'));
    const second = await startBrookChild(args, first.port);
    const again = await connect(`redis://127.0.0.1:${second.port}`);
    await check(again, acked);
    await again.close();
    await second.kill('SIGTERM');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 of redis-server (appendfsync always) during appends: the same guarantees', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brook-es-crash-redis-'));
  try {
    const args = ['--appendonly', 'yes', '--appendfsync', 'always'];
    const first = await startRedis({ dir, args });
    const conn = await connect(first.url);
    const acked = await writeUntilKilled(conn, async () => {
      first.process.kill('SIGKILL');
      await new Promise((r) => first.process.once('exit', r));
    });
    const second = await startRedis({ dir, args, port: first.port });
    const again = await connect(second.url);
    await check(again, acked);
    await again.close();
    await second.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
