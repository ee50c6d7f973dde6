/** FUNCTION FLUSH | LIST | HELP: brook has no functions library; FLUSH and LIST answer as an empty one. */
import { command, container } from '../command.ts';
import { SYNTAX } from '../errors.ts';
import { OK } from '../reply.ts';

const flush = command({
  name: 'function|flush',
  arity: -2,
  flags: ['write', 'noscript'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(_ctx, argv) {
    if (argv.length > 3) return SYNTAX;
    if (argv.length === 3 && !['async', 'sync'].includes(argv[2].toLowerCase())) return SYNTAX;
    return OK;
  },
});

const list = command({ name: 'function|list', arity: -2, flags: ['noscript'], firstKey: 0, lastKey: 0, step: 0, run: () => [] });

export const functionCmd = container('function', -2, [flush, list]);
