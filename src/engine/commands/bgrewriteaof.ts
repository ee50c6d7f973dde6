import { command } from '../command.ts';
import { err } from '../errors.ts';
import { SimpleString } from '../reply.ts';

/** BGREWRITEAOF: compact the append-only file in the background. */
export const bgrewriteaof = command({
  name: 'bgrewriteaof',
  arity: 1,
  flags: ['admin', 'noscript'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    const p = ctx.engine.persistence;
    if (p === null) return err('ERR Background append only file rewriting is not possible: appendonly is off (start with --dir)');
    if (p.rewriting) return err('ERR Background append only file rewriting already in progress');
    void p.rewrite();
    return new SimpleString('Background append only file rewriting started');
  },
});
