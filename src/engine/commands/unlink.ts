import { command } from '../command.ts';
import { del } from './del.ts';

/** UNLINK key [key ...]: DEL; memory is reclaimed by the JS GC either way. */
export const unlink = command({ name: 'unlink', arity: -2, flags: ['write', 'fast'], lastKey: -1, run: del.run });
