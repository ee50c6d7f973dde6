import { command } from '../command.ts';
import { ErrorReply } from '../reply.ts';
import { parseAddOrTrimArgs } from '../stream/args.ts';
import { formatId } from '../stream/id.ts';

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]: number of entries removed. */
export const xtrim = command({
  name: 'xtrim',
  arity: -4,
  flags: ['write'],
  run(ctx, argv) {
    const args = parseAddOrTrimArgs(argv, false, ctx.engine.config.streamNodeMaxEntries);
    if (args instanceof ErrorReply) return args;
    const s = ctx.db.lookupTyped(argv[1], 'stream');
    if (s instanceof ErrorReply) return s;
    if (s === undefined) return 0;
    const deleted = s.trim({
      maxLen: args.strategy === 'maxlen' ? args.maxLen : undefined,
      minId: args.strategy === 'minid' ? args.minId : undefined,
      approx: args.approx,
      limit: args.limit,
    });
    if (deleted > 0) {
      if (args.approx) {
        const prop = argv.slice();
        prop[args.strategyArgIdx - 1] = '=';
        prop[args.strategyArgIdx] = args.strategy === 'maxlen' ? String(s.length) : formatId(s.edgeId(true));
        ctx.propagate(prop);
      }
      ctx.db.touch(argv[1]);
      ctx.dirty(deleted);
    }
    return deleted;
  },
});
