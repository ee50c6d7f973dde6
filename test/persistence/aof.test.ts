/**
 * The append-only file: reopen gives the same data; rewrite (also under
 * load) loses nothing; a torn tail is repaired at every cut point; a corrupt
 * middle is refused with its offset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.ts';
import { openEngine } from '../../src/engine/open.ts';
import { AofCorruptError, loadAof, repairAof } from '../../src/engine/persistence/index.ts';
import { encodeReply } from '../../src/server/encode.ts';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'brook-aof-'));
}

/** Everything observable about the dataset, as RESP text. */
async function dump(e: Engine): Promise<string> {
  const s = e.createSession();
  let out = '';
  for (let db = 0; db < e.dbs.length; db++) {
    s.call(['SELECT', String(db)]);
    const keys = (s.call(['KEYS', '*']) as string[]).sort();
    for (const k of keys) {
      const type = String((s.call(['TYPE', k]) as { value: string }).value);
      out += `${db} ${k} ${type} ttl=${String(s.call(['PEXPIRETIME', k]))}\n`;
      const views: string[][] =
        type === 'stream'
          ? [['XINFO', 'STREAM', k, 'FULL'], ['XINFO', 'GROUPS', k]]
          : type === 'hash' ? [['HGETALL', k]]
          : type === 'list' ? [['LRANGE', k, '0', '-1']]
          : type === 'set' ? [['SMEMBERS', k]]
          : type === 'zset' ? [['ZRANGE', k, '0', '-1', 'WITHSCORES']]
          : [['GET', k]];
      // Node layout is not data: a rewrite re-adds entries, so nodes are packed
      // afresh (Redis's rewrite does the same).
      for (const v of views) {
        out += encodeReply(await s.call(v), 2)
          .replace(/(seen-time\r\n):\d+/g, '$1:T')
          .replace(/(radix-tree-(?:keys|nodes)\r\n):\d+/g, '$1:N') + '\n';
      }
    }
  }
  s.close();
  return out;
}

async function populate(e: Engine): Promise<void> {
  const s = e.createSession();
  const run = (...a: string[]) => s.call(a);
  for (let i = 1; i <= 300; i++) run('XADD', 'orders', `${i}-0`, 'n', String(i), ...(i % 5 ? [] : ['extra', 'x']));
  run('XDEL', 'orders', '7-0');
  run('XTRIM', 'orders', 'MAXLEN', '~', '250');
  run('XGROUP', 'CREATE', 'orders', 'workers', '0');
  run('XREADGROUP', 'GROUP', 'workers', 'alice', 'COUNT', '10', 'STREAMS', 'orders', '>');
  run('XREADGROUP', 'GROUP', 'workers', 'bob', 'COUNT', '5', 'STREAMS', 'orders', '>');
  run('XACK', 'orders', 'workers', '101-0', '102-0');
  run('XGROUP', 'CREATECONSUMER', 'orders', 'workers', 'idle-carol');
  run('XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM');
  run('XADD', 'gone', '5-5', 'a', 'b');
  run('XDEL', 'gone', '5-5');
  run('HSET', 'user:1', 'name', 'ann', 'age', '41');
  run('SET', 'counter', '10');
  run('INCRBY', 'counter', '5');
  run('SET', 'session', 'tok', 'PX', '99999999');
  // A script's effects are logged as the commands it ran (XADD * with its ID).
  run('EVAL', "redis.call('HSET', KEYS[1], 'via', 'script') redis.call('XADD', KEYS[3], '*', 'from', 'lua') return redis.call('INCR', KEYS[2])", '3', 'user:2', 'counter', 'orders');
  run('RPUSH', 'jobs', 'a', 'b', 'c', 'd');
  run('LPOP', 'jobs');
  run('LMOVE', 'jobs', 'done', 'LEFT', 'RIGHT');
  run('SADD', 'tags', 'x', 'y', 'z');
  run('SREM', 'tags', 'y');
  run('ZADD', 'delayed', '1700000000123', 'm1', '1.5', 'm2', '-inf', 'first');
  run('ZINCRBY', 'delayed', '0.25', 'm2');
  run('SELECT', '3');
  run('SET', 'in-db-3', 'yes');
  s.close();
}

test('reopening the folder gives back the same data, streams and groups included', async () => {
  const dir = tmp();
  try {
    const a = await openEngine({ dir, appendfsync: 'always' });
    await populate(a);
    const before = await dump(a);
    a.close();
    const b = await openEngine({ dir });
    assert.equal(await dump(b), before);
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rewrite compacts the file and keeps the data, also while writes go on', async () => {
  const dir = tmp();
  try {
    const a = await openEngine({ dir, appendfsync: 'no' });
    await populate(a);
    const s = a.createSession();
    for (let i = 0; i < 2000; i++) s.call(['INCR', 'counter']);
    const file = join(dir, 'appendonly.aof');
    const sizeBefore = statSync(file).size;
    let stop = false;
    let written = 0;
    const writer = (async () => {
      // Bounded, so that the file's shrinking does not depend on how long the rewrite takes.
      while (!stop && written < 300) {
        s.call(['XADD', 'during', '*', 'i', String(written++)]);
        await new Promise((r) => setImmediate(r));
      }
    })();
    await a.persistence!.rewrite();
    stop = true;
    await writer;
    assert.ok(written > 0, 'writes happened during the rewrite');
    assert.ok(statSync(file).size < sizeBefore, 'the file got smaller');
    s.call(['XADD', 'after', '1-1', 'f', 'v']);
    const before = await dump(a);
    a.close();
    const b = await openEngine({ dir });
    assert.equal(await dump(b), before);
    assert.equal(b.createSession().call(['XLEN', 'during']), written);
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn last command is truncated and reported at every cut point', async () => {
  const dir = tmp();
  try {
    const a = await openEngine({ dir, appendfsync: 'always' });
    const s = a.createSession();
    s.call(['SET', 'k', 'v']);
    s.call(['XADD', 's', '1-1', 'field', 'value']);
    a.close();
    const file = join(dir, 'appendonly.aof');
    const full = readFileSync(file);
    const lastStart = full.toString('latin1').lastIndexOf('*5\r\n$4\r\nXADD');
    assert.ok(lastStart > 0);
    for (let cut = lastStart + 1; cut < full.length; cut++) {
      writeFileSync(file, full.subarray(0, cut));
      const e = new Engine({ activeExpire: false });
      const lines: string[] = [];
      const r = loadAof(e, file, (l) => lines.push(l));
      assert.equal(r.truncatedBytes, cut - lastStart, `cut at ${cut}`);
      assert.match(lines.join('\n'), /truncated/);
      assert.equal(e.createSession().call(['GET', 'k']), 'v');
      assert.equal(e.createSession().call(['EXISTS', 's']), 0);
      assert.equal(statSync(file).size, lastStart);
      e.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corruption in the middle stops the load with its offset; repairAof truncates there', async () => {
  const dir = tmp();
  try {
    const a = await openEngine({ dir, appendfsync: 'always' });
    const s = a.createSession();
    s.call(['SET', 'a', '1']);
    s.call(['SET', 'b', '2']);
    a.close();
    const file = join(dir, 'appendonly.aof');
    const good = readFileSync(file).toString('latin1');
    const badAt = good.indexOf('*3', 10);
    writeFileSync(file, good.slice(0, badAt) + '#garbage\r\n' + good.slice(badAt), 'latin1');
    const e = new Engine({ activeExpire: false });
    assert.throws(() => loadAof(e, file), (err: unknown) => err instanceof AofCorruptError && err.offset === badAt);
    assert.ok(repairAof(file) > 0);
    assert.equal(statSync(file).size, badAt);
    e.close();
    appendFileSync(file, '');
    truncateSync(file, badAt);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
