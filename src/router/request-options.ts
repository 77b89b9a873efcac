import { ProtocolError } from '../protocol/errors';
import { hasKeys, toId } from '../protocol/fields';
import type {
  CallOptions,
  CancelMode,
  Dict,
  Id,
  InvokePolicy,
  MatchPolicy,
  PublishOptions,
  RegisterOptions,
} from '../protocol/messages';
import { isValidUri } from '../protocol/uri';

/**
 * The Options of client requests with the spec's defaults applied. `decode` has already
 * checked the type of every key these read (a wrong type is a protocol violation there), so
 * this only fills in defaults and builds the sets the broker tests against.
 */

export interface RegisterRequest {
  match: MatchPolicy;
  invoke: InvokePolicy;
  discloseCaller: boolean;
  /** The callee runs call timeouts itself (spec: `forward_timeout`). */
  forwardTimeout: boolean;
}

export interface CallRequest {
  /** Milliseconds; 0 means no timeout (spec). */
  timeout: number;
  receiveProgress: boolean;
  discloseMe: boolean;
  /** Custom attributes, forwarded to the INVOCATION Details. */
  custom: Dict | undefined;
}

export interface PublishRequest {
  /** Custom attributes, forwarded to the EVENT Details. */
  custom?: Dict;
  acknowledge: boolean;
  excludeMe: boolean;
  discloseMe: boolean;
  exclude?: ReadonlySet<Id>;
  eligible?: ReadonlySet<Id>;
  excludeAuthid?: ReadonlySet<string>;
  eligibleAuthid?: ReadonlySet<string>;
  excludeAuthrole?: ReadonlySet<string>;
  eligibleAuthrole?: ReadonlySet<string>;
}

export function readRegisterOptions(options: RegisterOptions): RegisterRequest {
  const forwardTimeout = options.forward_timeout ?? false;
  // Not among the keys the codec checks (a later addition to the spec): checked here.
  if (typeof forwardTimeout !== 'boolean') {
    throw new ProtocolError('invalid REGISTER: Options.forward_timeout must be a boolean');
  }
  return {
    match: options.match ?? 'exact',
    invoke: options.invoke ?? 'single',
    discloseCaller: options.disclose_caller ?? false,
    forwardTimeout,
  };
}

export function readCallOptions(options: CallOptions): CallRequest {
  return {
    timeout: options.timeout ?? 0,
    receiveProgress: options.receive_progress ?? false,
    discloseMe: options.disclose_me ?? false,
    custom: customAttributes(options),
  };
}

export function readPublishOptions(options: PublishOptions): Readonly<PublishRequest> {
  return hasKeys(options) ? readGivenPublishOptions(options) : DEFAULT_PUBLISH;
}

function readGivenPublishOptions(options: PublishOptions): PublishRequest {
  return {
    custom: customAttributes(options),
    acknowledge: options.acknowledge ?? false,
    // spec: a publisher does not receive its own event unless it asks to.
    excludeMe: options.exclude_me ?? true,
    discloseMe: options.disclose_me ?? false,
    exclude: idSet(options.exclude),
    eligible: idSet(options.eligible),
    excludeAuthid: stringSet(options.exclude_authid),
    eligibleAuthid: stringSet(options.eligible_authid),
    excludeAuthrole: stringSet(options.exclude_authrole),
    eligibleAuthrole: stringSet(options.eligible_authrole),
  };
}

/** What a PUBLISH with no options asks for (most do): the defaults, one object for all of them. */
const DEFAULT_PUBLISH: Readonly<PublishRequest> = Object.freeze(readGivenPublishOptions({}));

/**
 * Implementation-specific keys a router passes on untouched: the spec's `_[a-z0-9_]{3,}` and
 * the `x_` convention of autobahn and Crossbar.io (`^x_([a-z][\da-z_]+)?$`), which wservice
 * uses for `x_correlation_id`.
 */
const CUSTOM_ATTRIBUTE = /^(?:_[a-z0-9_]{3,}|x_(?:[a-z][\da-z_]+)?)$/;

/**
 * The custom attributes of a request's Options, to forward in the Details of what it causes
 * (CALL to INVOCATION, PUBLISH to EVENT, YIELD to RESULT); undefined when there are none, so
 * the common case allocates nothing.
 */
export function customAttributes(options: Dict): Dict | undefined {
  let custom: Dict | undefined;
  for (const key in options) {
    // `__proto__` matches the spec's pattern, and assigning it would replace a prototype.
    if (!CUSTOM_ATTRIBUTE.test(key) || key === '__proto__' || !Object.hasOwn(options, key)) continue;
    custom ??= {};
    custom[key] = options[key];
  }
  return custom;
}

/** CANCEL Options.mode; `killnowait` when absent, as Crossbar.io. */
export function readCancelMode(mode: CancelMode | undefined): CancelMode {
  return mode ?? 'killnowait';
}

/**
 * True when `uri` may be registered or subscribed under `match` (the protocol's URI rules:
 * a prefix may end with a dot, wildcards have empty components); the empty URI never.
 */
export function isValidPattern(uri: string, match: MatchPolicy): boolean {
  return uri !== '' && isValidUri(uri, match);
}

/** Binary serializers may deliver ids as BigInt; the broker compares Numbers. */
function idSet(ids: readonly unknown[] | undefined): Set<Id> | undefined {
  if (ids === undefined) return undefined;
  const set = new Set<Id>();
  for (const value of ids) {
    const id = toId(value);
    if (id !== undefined) set.add(id);
  }
  return set;
}

function stringSet(values: readonly string[] | undefined): Set<string> | undefined {
  return values === undefined ? undefined : new Set(values);
}
