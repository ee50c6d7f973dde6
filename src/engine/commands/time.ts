import { command } from '../command.ts';

/** TIME: [unix seconds, microseconds] as bulk strings. */
export const time = command({
  name: 'time',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx) {
    const ms = ctx.engine.clock();
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000) % 1000;
    return [String(Math.floor(ms / 1000)), String((ms % 1000) * 1000 + us)];
  },
});
