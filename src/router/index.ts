/**
 * wservice/router: the embedded WAMP router.
 *
 * @example
 * import { Router } from 'wservice/router';
 * const router = await Router.start({ listeners: [{ type: 'websocket', port: 8080 }] });
 */
export { Router, type RouterStats, type AttachOptions } from './router';
export { RouterStateError } from './state-error';
export type { ListenerInfo } from './listeners';
export { DEFAULT_PERMISSIONS, ADMIN_PERMISSIONS, type UriReservation } from './authorizer';
export {
  validateRouterOptions,
  RouterOptionsError,
  DEFAULT_LIMITS,
  type RouterOptions,
  type RouterStartOptions,
  type ListenerOptions,
  type WebSocketListenerOptions,
  type SharedServerOptions,
  type RawSocketListenerOptions,
  type TlsOptions,
  type SerializerName,
  type RealmOptions,
  type RoleOptions,
  type PermissionOptions,
  type PermissionActions,
  type LimitsOptions,
  type OptionPathSegment,
} from './options';
export type {
  AuthOptions,
  AnonymousAuthOptions,
  TicketAuthOptions,
  TicketPrincipal,
  WampCraAuthOptions,
  WampCraUser,
  CryptosignAuthOptions,
  CryptosignPrincipal,
  TlsAuthOptions,
  TlsPrincipal,
  AuthenticatorOptions,
} from './auth/options';
export type {
  AuthenticateFunction,
  AuthenticationRequest,
  AuthenticationAnswer,
  WampCraAuthenticationAnswer,
} from './auth/dynamic';
export type { TransportDetails } from './auth/authenticator';
export type { HookOptions } from './auth/hook';
export type { AuthorizeFunction, AuthorizationSession, AuthorizationVerdict } from './auth/authorize';
export { TOO_MANY_SESSIONS } from './handshake';
export { HANDSHAKE_TIMEOUT } from './router-session';
// The Transport API: what `router.attach` takes (one end of an in-process pair, or a transport
// of your own over any link) and what `connect({ transport })` opens on the client side.
export {
  createInProcessPair,
  TransportError,
  type Transport,
  type TransportHandlers,
  type CloseInfo,
} from '../transport';
export { serializerByName } from '../protocol/serializers';
export type { Serializer, Frame } from '../protocol/serializer';
