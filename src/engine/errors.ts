/**
 * Error replies with Redis 7.0's exact texts. Commands return these rather
 * than throwing; anything thrown out of a command is a bug, which the engine
 * turns into an `ERR` reply so that no input can crash it.
 */
import { ErrorReply } from './reply.ts';

export const WRONGTYPE = new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value');
export const SYNTAX = new ErrorReply('ERR syntax error');
export const NO_SUCH_KEY = new ErrorReply('ERR no such key');
export const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
export const OUT_OF_RANGE = new ErrorReply('ERR index out of range');
export const EXECABORT = new ErrorReply('EXECABORT Transaction discarded because of previous errors.');
export const NOSCRIPT = new ErrorReply('NOSCRIPT No matching script. Please use EVAL.');
export const NOAUTH = new ErrorReply('NOAUTH Authentication required.');
export const OVERFLOW = new ErrorReply('ERR increment or decrement would overflow');
export const INVALID_STREAM_ID = new ErrorReply('ERR Invalid stream ID specified as stream command argument');
export const TIMEOUT_NOT_INT = new ErrorReply('ERR timeout is not an integer or out of range');
export const TIMEOUT_NEGATIVE = new ErrorReply('ERR timeout is negative');
export const INVALID_EXPIRE = (cmd: string) => new ErrorReply(`ERR invalid expire time in '${cmd}' command`);

export function err(message: string): ErrorReply {
  return new ErrorReply(message);
}

/** "ERR wrong number of arguments for 'xadd' command" (Redis lower-cases the name it was given). */
export function wrongArity(name: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
}

/**
 * "ERR unknown command 'foo', with args beginning with: 'a' 'b' " exactly as
 * Redis 7.0 builds it: the name and each argument cut to 128 bytes.
 */
export function unknownCommand(argv: string[]): ErrorReply {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argv[i].slice(0, 128 - args.length)}' `;
  }
  return new ErrorReply(
    noNewlines(`ERR unknown command '${argv[0].slice(0, 128)}', with args beginning with: ${args}`),
  );
}

export function unknownSubcommand(container: string, sub: string): ErrorReply {
  return new ErrorReply(
    noNewlines(`ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`),
  );
}

/** Redis maps CR and LF to spaces in errors built from user input, so the protocol stays valid. */
export function noNewlines(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}
