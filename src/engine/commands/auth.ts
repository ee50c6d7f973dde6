import { command, type Context } from '../command.ts';
import { err } from '../errors.ts';
import { OK, type Reply } from '../reply.ts';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/** Check a password (and optional user, only "default" exists) for AUTH and HELLO. */
export function authenticate(ctx: Context, user: string | undefined, pass: string): Reply | null {
  const required = ctx.engine.config.get('requirepass') ?? '';
  if (required === '') {
    // As Redis with the default user on "nopass": any password for "default" works.
    if (user !== undefined && user !== 'default') return err(WRONGPASS);
    ctx.session.authenticated = true;
    return null;
  }
  if ((user !== undefined && user !== 'default') || pass !== required) return err(WRONGPASS);
  ctx.session.authenticated = true;
  return null;
}

/** AUTH [username] password */
export const auth = command({
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  run(ctx, argv) {
    if (argv.length > 3) return err('ERR syntax error');
    if (argv.length === 2 && (ctx.engine.config.get('requirepass') ?? '') === '') {
      return err(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    const r = authenticate(ctx, argv.length === 3 ? argv[1] : undefined, argv[argv.length - 1]);
    return r ?? OK;
  },
});
