/**
 * wservice: a nameko-style microservice framework for TypeScript on WAMP.
 * This file is the public API; anything not exported here is internal.
 */
export { WampError, RemoteError, ProtocolError, ErrorUri } from './protocol/errors';
export type {
  Args,
  Kwargs,
  Dict,
  MatchPolicy,
  InvokePolicy,
  CancelMode,
  PublishOptions,
  CallOptions,
} from './protocol/messages';
