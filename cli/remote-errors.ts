import type { WampError } from '../src';
import { renderValue, toJson } from './render';
import { colour } from './style';

/**
 * `error: <uri>: <message>`: the message is the error's first argument when it is a string,
 * otherwise whatever payload it carries, compact, so one line says it all.
 */
export function describeWampError(err: WampError): string {
  const [first, ...rest] = err.args;
  const hasKwargs = Object.keys(err.kwargs).length > 0;
  if (typeof first === 'string') return `${err.uri}: ${first}`;
  if (err.args.length === 0 && !hasKwargs) return err.uri;
  const payload = rest.length === 0 && !hasKwargs ? first : { args: err.args, kwargs: err.kwargs };
  return `${err.uri}: ${renderValue(payload)}`;
}

/** The `--json` form of an error: `{ "error": uri, "args": [...], "kwargs": {...} }`. */
export function wampErrorJson(err: WampError): string {
  return toJson({ error: err.uri, args: err.args, kwargs: err.kwargs });
}

/** Prints `error: <uri>: <message>` on stderr and makes the process exit 1. */
export function reportWampError(err: WampError): void {
  process.stderr.write(`${colour(process.stderr)('red', 'error:')} ${describeWampError(err)}\n`);
  process.exitCode = 1;
}
