import { command } from '../command.ts';

/** ECHO message */
export const echo = command({
  name: 'echo',
  arity: 2,
  flags: ['fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run: (_ctx, argv) => argv[1],
});
