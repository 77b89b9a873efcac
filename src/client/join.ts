import type { Logger } from '../logger';
import { MessageType, type Challenge, type Message, type Welcome } from '../protocol/messages';
import { Authenticator, type AuthOptions } from './auth';
import { ClientErrorUri, SessionClosedError } from './errors';
import { CLIENT_ROLES } from './features';
import type { MessageTable } from './role';
import type { SessionState } from './types';

/** Milliseconds `join` waits for WELCOME by default. */
export const DEFAULT_JOIN_TIMEOUT = 10_000;
const AGENT = 'wservice';

/** How to join: the realm, who the client is, how long to wait. */
export interface JoinOptions extends AuthOptions {
  /** The realm to join. */
  realm: string;
  /** Milliseconds to wait for WELCOME (default 10 000). */
  joinTimeout?: number;
  /** HELLO `agent`; `wservice` by default. */
  agent?: string;
}

/** What the handshake needs from its session. */
export interface HandshakeHost {
  state(): SessionState;
  readonly logger: Logger;
  /** Sends without the "joined" check. */
  write(message: Message): void;
  /** A CHALLENGE came: the session is authenticating. */
  authenticating(): void;
  /** WELCOME came: the session is established. */
  welcome(message: Welcome): void;
  /** Sends ABORT and ends the session. */
  abort(reason: string, text: string, cause: unknown): void;
  /** Ends the session without a word (no WELCOME in time). */
  end(error: SessionClosedError, by: 'client'): void;
}

/**
 * Joining a realm: HELLO with our roles and credentials, CHALLENGE / AUTHENTICATE as often as
 * the router asks, until WELCOME. ABORT and transport loss end the session, and `fail` then
 * rejects the join.
 */
export class JoinHandshake {
  private readonly authenticator: Authenticator;
  private waiter?: { resolve(): void; reject(error: Error): void; timer: NodeJS.Timeout };

  readonly messages: MessageTable = {
    [MessageType.WELCOME]: (m) => this.onWelcome(m),
    [MessageType.CHALLENGE]: (m) => this.onChallenge(m),
  };

  /** Throws TypeError for malformed credentials. */
  constructor(
    private readonly host: HandshakeHost,
    private readonly options: JoinOptions,
  ) {
    this.authenticator = new Authenticator(options);
  }

  // [HELLO, Realm|uri, Details|dict]
  /** Sends HELLO; resolves on WELCOME. */
  start(): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => {
      const timeout = this.options.joinTimeout ?? DEFAULT_JOIN_TIMEOUT;
      const timer = setTimeout(() => this.onTimeout(timeout), timeout);
      this.waiter = { resolve, reject, timer };
    });
    const details = {
      roles: CLIENT_ROLES,
      agent: this.options.agent ?? AGENT,
      ...this.authenticator.helloDetails(),
    };
    this.host.write({ type: MessageType.HELLO, realm: this.options.realm, details });
    return joined;
  }

  /** The session ended before WELCOME: the join fails with `error`. */
  fail(error: Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  // [WELCOME, Session|id, Details|dict]
  private onWelcome(message: Welcome): void {
    this.host.welcome(message);
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    waiter.resolve();
  }

  // [CHALLENGE, AuthMethod|string, Extra|dict] -> [AUTHENTICATE, Signature|string, Extra|dict]
  private onChallenge(message: Challenge): void {
    this.host.authenticating();
    this.authenticator.respond(message.authMethod, message.extra).then(
      (signature) => {
        if (this.host.state() !== 'authenticating') return;
        this.host.write({ type: MessageType.AUTHENTICATE, signature, extra: {} });
      },
      (err: Error) => {
        if (this.host.state() !== 'authenticating') return;
        this.host.logger.warn({ err, method: message.authMethod }, 'cannot answer the challenge');
        this.host.abort(ClientErrorUri.CANNOT_AUTHENTICATE, err.message, err);
      },
    );
  }

  private onTimeout(timeout: number): void {
    const text = `no WELCOME within ${timeout} ms`;
    this.host.end(new SessionClosedError(ClientErrorUri.JOIN_TIMEOUT, text), 'client');
  }
}
