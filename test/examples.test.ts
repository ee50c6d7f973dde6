/** The examples run as the README says, on the embedded default, and print what they claim. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const tsx = (file: string) => run(process.execPath, ['--import', 'tsx', file], { timeout: 30_000, env: { ...process.env, BROOK_URL: '' } });

test('examples/order-queue.ts (npm start): produce, consume with ack, info, trim', async () => {
  const { stdout } = await tsx('examples/order-queue.ts');
  assert.match(stdout, /worker-1 processed order 1002: 3 x tea/);
  assert.match(stdout, /pending after ack: 0/);
  assert.match(stdout, /XTRIM MAXLEN 2 removed 1/);
});

test('examples/event-sourcing.ts: record, replay, rebuild, time travel', async () => {
  const { stdout } = await tsx('examples/event-sourcing.ts');
  assert.match(stdout, /v3 ORDER_CREATED/);
  assert.match(stdout, /"name": "张三"/);
  assert.match(stdout, /state at v1: \{"orders":\[\],"user_id":"user_123","email":"user@example.com"\}/);
});

test('examples/ordered-and-notify.ts: per-key order with ordered consumers, notifications', async () => {
  const { stdout } = await tsx('examples/ordered-and-notify.ts');
  for (const c of ['ann', 'bob', 'cy', 'dee']) {
    assert.match(stdout, new RegExp(`${c}: steps 1 -> 2 -> 3`));
    assert.match(stdout, new RegExp(`notified: ${c} finished`));
  }
});
