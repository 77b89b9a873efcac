import { isDict, toId } from './fields';
import type { MatchPolicy, InvokePolicy, CancelMode, RoleName } from './messages';

/**
 * Schemas of the typed keys of Options and Details dictionaries, as messages.ts declares
 * them (spec: each message's Options / Details sections). `decode` checks them, so code above
 * the protocol layer can trust `options.match` to be a MatchPolicy and `options.exclude` to
 * be ids. A wrong type is a protocol violation (spec test vectors: "PUBLISH.Options.acknowledge
 * with invalid type string" must fail). Keys not listed pass unchecked.
 */

/** The rule for one key: its test and how an error message names the expected type. */
export interface FieldRule {
  readonly test: (value: unknown) => boolean;
  readonly expected: string;
}

/** The typed keys of one dictionary. */
export type DictSchema = Readonly<Record<string, FieldRule>>;

const boolean: FieldRule = { test: (v) => typeof v === 'boolean', expected: 'a boolean' };
const string: FieldRule = { test: (v) => typeof v === 'string', expected: 'a string' };
const dict: FieldRule = { test: isDict, expected: 'a dictionary' };
const id: FieldRule = { test: (v) => toId(v) !== undefined, expected: 'an integer id in 1..2^53' };
const duration: FieldRule = {
  test: (v) => typeof v === 'number' && v >= 0 && Number.isFinite(v),
  expected: 'a number of milliseconds >= 0',
};

function listOf(item: FieldRule, items: string): FieldRule {
  return { test: (v) => Array.isArray(v) && v.every((x) => item.test(x)), expected: `a list of ${items}` };
}

function oneOf<T extends string>(...values: readonly T[]): FieldRule {
  return {
    test: (v) => (values as readonly unknown[]).includes(v),
    expected: `one of ${values.map((v) => `"${v}"`).join(', ')}`,
  };
}

const ROLE_NAMES: readonly RoleName[] = ['caller', 'callee', 'publisher', 'subscriber', 'dealer', 'broker'];

/** `{caller: {features: {...}}, ...}`: each announced role a dictionary, its features one too. */
const roles: FieldRule = {
  test: (v) =>
    isDict(v) &&
    ROLE_NAMES.every((name) => {
      const role = v[name];
      return role === undefined || (isDict(role) && (role.features === undefined || isDict(role.features)));
    }),
  expected: 'a dictionary of roles, each a dictionary with an optional features dictionary',
};

const match = oneOf<MatchPolicy>('exact', 'prefix', 'wildcard');
const invoke = oneOf<InvokePolicy>('single', 'roundrobin', 'random', 'first', 'last');
const cancelMode = oneOf<CancelMode>('skip', 'kill', 'killnowait');

const AUTH_IDENTITY = { authid: string, authrole: string, authextra: dict, agent: string };

export const HELLO_DETAILS: DictSchema = { ...AUTH_IDENTITY, roles, authmethods: listOf(string, 'strings') };
export const WELCOME_DETAILS: DictSchema = {
  ...AUTH_IDENTITY,
  roles,
  authmethod: string,
  authprovider: string,
};
export const CALL_OPTIONS: DictSchema = {
  timeout: duration,
  receive_progress: boolean,
  disclose_me: boolean,
};
export const REGISTER_OPTIONS: DictSchema = { match, invoke, disclose_caller: boolean };
export const SUBSCRIBE_OPTIONS: DictSchema = { match };
export const PUBLISH_OPTIONS: DictSchema = {
  acknowledge: boolean,
  exclude_me: boolean,
  exclude: listOf(id, 'ids'),
  eligible: listOf(id, 'ids'),
  exclude_authid: listOf(string, 'strings'),
  eligible_authid: listOf(string, 'strings'),
  exclude_authrole: listOf(string, 'strings'),
  eligible_authrole: listOf(string, 'strings'),
  disclose_me: boolean,
};
export const INVOCATION_DETAILS: DictSchema = {
  caller: id,
  caller_authid: string,
  caller_authrole: string,
  procedure: string,
  receive_progress: boolean,
  timeout: duration,
};
export const EVENT_DETAILS: DictSchema = {
  publisher: id,
  publisher_authid: string,
  publisher_authrole: string,
  topic: string,
};
export const RESULT_DETAILS: DictSchema = { progress: boolean };
export const YIELD_OPTIONS: DictSchema = { progress: boolean };
export const CANCEL_OPTIONS: DictSchema = { mode: cancelMode };
export const INTERRUPT_OPTIONS: DictSchema = { mode: cancelMode, reason: string };
