/** SCAN through one keyspace, cursor by cursor (Connection.scan). */
import type { Arg } from './connection.ts';

/** Every key matching `match` (of `type`, if given) that SCAN finds through `send`. */
export async function* scanKeys(send: (args: Arg[]) => Promise<unknown>, match: string, type?: string): AsyncGenerator<string> {
  let cursor = '0';
  do {
    const args: Arg[] = ['SCAN', cursor, 'MATCH', match, 'COUNT', 1000];
    if (type !== undefined) args.push('TYPE', type);
    const [next, keys] = (await send(args)) as [string, string[]];
    yield* keys;
    cursor = String(next);
  } while (cursor !== '0');
}
