/** Unit tests of output-limits.ts: parsing as Redis 7.0 parses, and the soft-limit clock with injected time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineConfig } from '../engine/config.ts';
import {
  DEFAULT_OUTPUT_LIMITS, formatOutputLimits, installOutputLimits, memtoull, overOutputLimit, parseOutputLimits,
  type ClassLimit, type OutputLimits,
} from './output-limits.ts';

const set = (v: string, from: OutputLimits = DEFAULT_OUTPUT_LIMITS): string => {
  const r = parseOutputLimits(v, from);
  return typeof r === 'string' ? r : formatOutputLimits(r);
};

test('defaults print as Redis prints them', () => {
  assert.equal(formatOutputLimits(DEFAULT_OUTPUT_LIMITS), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
});

test('units, classes and partial updates', () => {
  assert.equal(set('pubsub 1mb 256kb 2'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 262144 2');
  assert.equal(set('REPLICA 1k 1KB 5 Normal 1g 2GB 3'), 'normal 1000000000 2147483648 3 slave 1000 1024 5 pubsub 33554432 8388608 60');
  assert.equal(set('pubsub 1 1 1 pubsub 2 2 2'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 2 2 2');
  assert.equal(set(''), formatOutputLimits(DEFAULT_OUTPUT_LIMITS));
  assert.equal(set('pubsub mb  9'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 0 0 9');
});

test('C parsing quirks: saturation, wrap-around, int truncation', () => {
  assert.equal(memtoull('99999999999999999999'), 18446744073709551615n);
  assert.equal(memtoull('17179869184gb'), 0n);
  assert.equal(memtoull('18446744073709551615k'), 18446744073709550616n);
  assert.equal(memtoull('1\0garbage'), 1n);
  assert.equal(memtoull('-0'), null);
  assert.equal(memtoull('1.5mb'), null);
  assert.equal(memtoull('constructor'), null);
  assert.match(set('pubsub 1 1 4294967297'), /pubsub 1 1 1$/);
  assert.match(set('pubsub 1 1 +05'), /pubsub 1 1 5$/);
  assert.match(set('pubsub 1 1 \t7'), /pubsub 1 1 7$/);
  assert.match(set('pubsub 1 1 2147483648'), /^Error in hard/);
  assert.match(set('pubsub 1 1 9223372036854775807'), /^Error in hard/);
});

test('errors name the first problem, and a bad value changes nothing', () => {
  assert.equal(set('pubsub 1mb 256kb'), 'Wrong number of arguments in buffer limit configuration.');
  assert.equal(set('pubsub 1 1 1 master 1 1 1'), 'Invalid client class specified in buffer limit configuration.');
  assert.equal(set('pubsub 1x 1 1'), 'Error in hard, soft or soft_seconds setting in buffer limit configuration.');
  assert.equal(set('pubsub 1 1 -1'), 'Error in hard, soft or soft_seconds setting in buffer limit configuration.');
  const config = new EngineConfig();
  installOutputLimits(config);
  assert.equal(config.set('client-output-buffer-limit', 'normal 1 1 1 pubsub x 1 1')?.message,
    "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  assert.equal(config.get('CLIENT-OUTPUT-BUFFER-LIMIT'), formatOutputLimits(DEFAULT_OUTPUT_LIMITS));
  assert.equal(config.set('maxclients', '20'), null, 'other settings still go to the engine');
  assert.equal(config.get('maxclients'), '20');
  assert.ok(config.names().includes('client-output-buffer-limit'));
});

test('hard limit closes at once; soft only when held for more than its seconds', () => {
  const limit: ClassLimit = { hard: 1000n, soft: 100n, softSeconds: 2 };
  const clock = { softSince: undefined as number | undefined };
  assert.equal(overOutputLimit(limit, 1000, clock, 0), 'hard');
  assert.equal(overOutputLimit(limit, 99, clock, 0), null);
  assert.equal(overOutputLimit(limit, 100, clock, 10_000), null, 'first time over the soft limit starts the clock');
  assert.equal(clock.softSince, 10_000);
  assert.equal(overOutputLimit(limit, 500, clock, 12_000), null, 'exactly the soft seconds is not yet more');
  assert.equal(overOutputLimit(limit, 500, clock, 12_001), 'soft');
});

test('dropping under the soft limit restarts its clock; 0 turns a limit off', () => {
  const limit: ClassLimit = { hard: 0n, soft: 100n, softSeconds: 1 };
  const clock = { softSince: undefined as number | undefined };
  assert.equal(overOutputLimit(limit, 200, clock, 0), null);
  assert.equal(overOutputLimit(limit, 50, clock, 900), null);
  assert.equal(clock.softSince, undefined);
  assert.equal(overOutputLimit(limit, 1e12, clock, 1500), null, 'no hard limit; the soft clock starts again');
  assert.equal(overOutputLimit(limit, 200, clock, 2400), null);
  assert.equal(overOutputLimit(limit, 200, clock, 2501), 'soft');
  const none: ClassLimit = { hard: 0n, soft: 0n, softSeconds: 0 };
  assert.equal(overOutputLimit(none, 1e12, { softSince: undefined }, 0), null);
});
