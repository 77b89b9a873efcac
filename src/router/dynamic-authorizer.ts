import {
  DEFAULT_AUTHORIZER_CACHE_SIZE,
  DEFAULT_AUTHORIZER_QUEUE,
  DEFAULT_AUTHORIZER_TIMEOUT,
} from '../defaults';
import type { Logger } from '../logger';
import { ErrorUri } from '../protocol/errors';
import { MessageType, messageName, type MessageOf } from '../protocol/messages';
import type { AuthorizationSession } from './auth/authorize';
import { callHook, type LoadedHook } from './auth/hook';
import type { AuthorizeFunction } from './auth/authorize';
import type { Action } from './authorizer';
import type { RealmMessage } from './dispatch';
import type { RouterSession } from './router-session';

/** What a session has waiting and what it was told. */
interface SessionGate {
  /** Messages waiting, in order, behind a question to the authorizer. */
  readonly queue: { message: RealmMessage; deliver: () => void }[];
  readonly verdicts: Map<string, boolean>;
  busy: boolean;
}

const ACTIONS: { readonly [T in MessageType]?: Action } = {
  [MessageType.CALL]: 'call',
  [MessageType.REGISTER]: 'register',
  [MessageType.SUBSCRIBE]: 'subscribe',
  [MessageType.PUBLISH]: 'publish',
};

/** The requests the authorizer is asked about. */
type Asked =
  | MessageOf<typeof MessageType.CALL>
  | MessageOf<typeof MessageType.REGISTER>
  | MessageOf<typeof MessageType.SUBSCRIBE>
  | MessageOf<typeof MessageType.PUBLISH>;

function uriOf(message: Asked): string {
  return 'procedure' in message ? message.procedure : message.topic;
}

/**
 * Puts a dynamic authorizer in front of a realm's dealer and broker. Requests it has a cached
 * verdict for pass at once; the others wait for its answer, and every later message of the
 * same session waits behind them, so a session's messages keep their order (spec: ordering
 * guarantees). The static rules of the realm's roles still apply after it: both must allow.
 */
export class AuthorizationGate {
  private readonly gates = new WeakMap<RouterSession, SessionGate>();

  constructor(
    private readonly hook: LoadedHook<AuthorizeFunction>,
    private readonly logger: Logger,
    /**
     * A role not asked about: with an authorizer that is a WAMP procedure, `admin`, whose
     * sessions may answer it (asked about their own requests, they would wait on themselves).
     */
    private readonly unaskedRole?: string,
  ) {}

  /** Runs `deliver` for `message` now, or once the authorizer allowed it (else refuses it). */
  admit(session: RouterSession, message: RealmMessage, deliver: () => void): void {
    const gate = this.gateOf(session);
    if (gate.queue.length === 0 && this.decided(session, gate, message, deliver)) return;
    if (gate.queue.length >= DEFAULT_AUTHORIZER_QUEUE) {
      this.logger.warn({ session: session.id }, 'too many requests waiting for the authorizer; closing');
      return session.close(1008, 'too many requests waiting for the authorizer');
    }
    gate.queue.push({ message, deliver });
    if (!gate.busy) void this.drain(session, gate);
  }

  /**
   * True when a CALL of `session` would be delivered at once without a question (a trusted
   * peer, the role the authorizer is never asked about) and nothing of it waits: the dealer may
   * then take the call directly (`Dealer.callDirect`).
   */
  unasked(session: RouterSession): boolean {
    if (!session.trusted && session.authrole !== this.unaskedRole) return false;
    const gate = this.gates.get(session);
    return gate === undefined || gate.queue.length === 0;
  }

  /**
   * Handles `message` at once when no question is needed (not an authorized action, a trusted
   * peer, a cached verdict): true when it did.
   */
  private decided(
    session: RouterSession,
    gate: SessionGate,
    message: RealmMessage,
    deliver: () => void,
  ): boolean {
    const action = ACTIONS[message.type];
    if (action === undefined || session.trusted || session.authrole === this.unaskedRole) {
      deliver();
      return true;
    }
    const cached = gate.verdicts.get(cacheKey(action, message as Asked));
    if (cached === undefined) return false;
    if (cached) deliver();
    else
      this.deny(session, message as Asked, `the authorizer denied ${action} on "${uriOf(message as Asked)}"`);
    return true;
  }

  private async drain(session: RouterSession, gate: SessionGate): Promise<void> {
    gate.busy = true;
    try {
      while (gate.queue.length > 0) {
        const { message, deliver } = gate.queue[0]!;
        if (!this.decided(session, gate, message, deliver))
          await this.ask(session, gate, message as Asked, deliver);
        gate.queue.shift();
        // The session left meanwhile: what it had waiting goes with it.
        if (!this.holds(session, gate)) return void (gate.queue.length = 0);
      }
    } catch (error) {
      this.logger.error({ err: error, session: session.id }, 'internal error in the authorization gate');
      session.close(1011, 'internal error');
    } finally {
      gate.busy = false;
    }
  }

  private async ask(
    session: RouterSession,
    gate: SessionGate,
    message: Asked,
    deliver: () => void,
  ): Promise<void> {
    const action = ACTIONS[message.type]!;
    const result = await callHook(
      this.hook,
      DEFAULT_AUTHORIZER_TIMEOUT,
      detailsOf(session),
      action,
      uriOf(message),
      {
        ...message.options,
      },
    );
    // The session left (and its transport may carry a new one): its question is moot.
    if (!this.holds(session, gate)) return;
    const what = `${action} on "${uriOf(message)}"`;
    if (result.kind === 'timeout') {
      return this.deny(
        session,
        message,
        `the authorizer did not answer within ${result.timeout} ms`,
        'timed out',
      );
    }
    if (result.kind === 'threw') {
      const problem = result.error instanceof Error ? result.error.message : String(result.error);
      return this.deny(session, message, `the authorizer failed for ${what}`, `threw: ${problem}`);
    }
    const verdict = readVerdict(result.value);
    if (verdict === undefined) {
      return this.deny(
        session,
        message,
        `the authorizer gave an invalid answer for ${what}`,
        'answered garbage',
      );
    }
    if (verdict.cache) this.remember(gate, cacheKey(action, message), verdict.allow);
    if (verdict.allow) deliver();
    else this.deny(session, message, `the authorizer denied ${what}`);
  }

  /** True while `gate` is still the one of `session`'s current membership of the realm. */
  private holds(session: RouterSession, gate: SessionGate): boolean {
    return session.state === 'established' && this.gates.get(session) === gate;
  }

  private remember(gate: SessionGate, key: string, allow: boolean): void {
    if (gate.verdicts.size >= DEFAULT_AUTHORIZER_CACHE_SIZE) {
      gate.verdicts.delete(gate.verdicts.keys().next().value!);
    }
    gate.verdicts.set(key, allow);
  }

  /**
   * ERROR `wamp.error.not_authorized` (a PUBLISH without `acknowledge` hears nothing, spec)
   * and one log line: a warning with `failure` when the authorizer failed.
   */
  private deny(session: RouterSession, message: Asked, text: string, failure?: string): void {
    const fields = { session: session.id, request: messageName(message.type), uri: uriOf(message) };
    if (failure !== undefined)
      session.logger.warn(fields, `authorizer ${this.hook.name} ${failure}: ${text}`);
    else session.logger.info(fields, text);
    if (message.type === MessageType.PUBLISH && message.options.acknowledge !== true) return;
    session.send({
      type: MessageType.ERROR,
      requestType: message.type,
      request: message.request,
      details: {},
      error: ErrorUri.NOT_AUTHORIZED,
      args: [text],
    });
  }

  private gateOf(session: RouterSession): SessionGate {
    let gate = this.gates.get(session);
    if (gate === undefined) this.gates.set(session, (gate = { queue: [], verdicts: new Map(), busy: false }));
    return gate;
  }

  /** The session left the realm: its verdicts and waiting messages go. */
  sessionLeft(session: RouterSession): void {
    const gate = this.gates.get(session);
    if (gate !== undefined) gate.queue.length = 0;
    this.gates.delete(session);
  }
}

function readVerdict(value: unknown): { allow: boolean; cache: boolean } | undefined {
  if (typeof value === 'boolean') return { allow: value, cache: true };
  if (typeof value !== 'object' || value === null) return undefined;
  const { allow, cache } = value as Record<string, unknown>;
  if (typeof allow !== 'boolean' || (cache !== undefined && typeof cache !== 'boolean')) return undefined;
  return { allow, cache: cache ?? true };
}

function cacheKey(action: Action, message: Asked): string {
  const match = typeof message.options.match === 'string' ? message.options.match : 'exact';
  return `${action}\0${match}\0${uriOf(message)}`;
}

function detailsOf(session: RouterSession): AuthorizationSession {
  const { transport } = session;
  return {
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: session.authprovider,
    ...(session.authextra === undefined ? {} : { authextra: session.authextra }),
    transport: {
      type: transport.kind,
      peer: transport.peer,
      ...(transport.origin === undefined ? {} : { origin: transport.origin }),
      ...(transport.peerCertificate === undefined ? {} : { certificate: transport.peerCertificate }),
    },
  };
}
