import { command } from '../command.ts';
import { err, NOT_INTEGER, SYNTAX } from '../errors.ts';
import { globMatch } from '../glob.ts';
import { string2llNum } from '../numbers.ts';
import { typeOf } from '../types.ts';

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is the
 * keyspace dictionary's scan position (see dict.ts); 0 starts and ends a scan.
 */
export const scan = command({
  name: 'scan',
  arity: -2,
  flags: ['readonly'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    if (!/^[0-9]+$/.test(argv[1]) || argv[1].length > 20) return err('ERR invalid cursor');
    const cursor = Number(argv[1]);
    let count = 10;
    let pattern: string | undefined;
    let type: string | undefined;
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const more = argv.length - i - 1;
      if (opt === 'count' && more >= 1) {
        const n = string2llNum(argv[i + 1]);
        if (n === null) return NOT_INTEGER;
        if (n < 1) return SYNTAX;
        count = n;
      } else if (opt === 'match' && more >= 1) {
        pattern = argv[i + 1];
        if (pattern === '*') pattern = undefined;
      } else if (opt === 'type' && more >= 1) {
        type = argv[i + 1].toLowerCase();
      } else {
        return SYNTAX;
      }
    }
    const { keys, cursor: next } = ctx.db.dict.scan(cursor, count);
    const out: string[] = [];
    for (const k of keys) {
      if (pattern !== undefined && !globMatch(pattern, k)) continue;
      const v = ctx.db.lookup(k);
      if (v === undefined) continue;
      if (type !== undefined && typeOf(v) !== type) continue;
      out.push(k);
    }
    return [String(next), out];
  },
});
