import { command } from '../command.ts';
import { err } from '../errors.ts';
import { string2llNum } from '../numbers.ts';
import { MapReply } from '../reply.ts';
import { authenticate } from './auth.ts';
import { validClientName } from './client.ts';

export const REDIS_VERSION = '7.0.15';

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
export const hello = command({
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    let ver = 0;
    let next = 1;
    if (argv.length >= 2) {
      const v = string2llNum(argv[1]);
      if (v === null) return err('ERR Protocol version is not an integer or out of range');
      next++;
      if (v < 2 || v > 3) return err('NOPROTO unsupported protocol version');
      ver = v;
    }
    let setname: string | undefined;
    for (let j = next; j < argv.length; j++) {
      const more = argv.length - j - 1;
      const opt = argv[j].toLowerCase();
      if (opt === 'auth' && more >= 2) {
        const r = authenticate(ctx, argv[j + 1], argv[j + 2]);
        if (r !== null) return r;
        j += 2;
      } else if (opt === 'setname' && more) {
        setname = argv[j + 1];
        if (!validClientName(setname)) {
          return err('ERR Client names cannot contain spaces, newlines or special characters.');
        }
        j++;
      } else {
        return err(`ERR Syntax error in HELLO option '${argv[j]}'`);
      }
    }
    if (!ctx.session.authenticated) {
      return err('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    }
    if (setname !== undefined) ctx.session.name = setname;
    if (ver) ctx.session.resp = ver as 2 | 3;
    return new MapReply([
      'server', 'redis',
      'version', REDIS_VERSION,
      'proto', ctx.session.resp,
      'id', ctx.session.id,
      'mode', 'standalone',
      'role', 'master',
      'modules', [],
    ]);
  },
});
