import { command } from '../command.ts';
import { renameGeneric } from './rename.ts';

/** RENAMENX key newkey */
export const renamenx = command({
  name: 'renamenx',
  arity: 3,
  flags: ['write', 'fast'],
  lastKey: 2,
  run: (ctx, argv) => renameGeneric(ctx, argv, true),
});
