import { InvalidArgumentError, type Command } from 'commander';
import type { Kwargs } from '../src';

/**
 * How command-line words become call arguments: a word that parses as JSON is that value
 * (`42`, `true`, `null`, `{"a":1}`, `"42"`), any other word is the string itself (`Ada`).
 * Quote twice to send a number-like string: `'"42"'`.
 */
export function parseValue(word: string): unknown {
  try {
    return JSON.parse(word);
  } catch {
    return word;
  }
}

/** `--kwargs`: a JSON object, or a commander usage error that says so. */
export function parseKwargs(text: string): Kwargs {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`not JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"quantity": 2}\'');
  return value as Kwargs;
}

/** A positive integer of milliseconds (`--timeout`). */
export function parseMilliseconds(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError('must be a positive number of milliseconds');
  return n;
}

/** The text of the rule above, shared by the commands' help. */
export const VALUE_RULE = `Arguments: each one that parses as JSON is sent as that value (42, true, null,
'{"a":1}', '[1,2]'), any other is sent as a string (Ada). To send a number-like
string, quote it twice: '"42"'. Keyword arguments: --kwargs '{"b":2}'.`;

/** Adds the payload of a call or an event: `[args...]` and `--kwargs <json>`, parsed as above. */
export function withPayload(command: Command): Command {
  return command
    .argument('[args...]', 'positional arguments (JSON when they parse, else strings)')
    .option('--kwargs <json>', 'keyword arguments, a JSON object', parseKwargs);
}
