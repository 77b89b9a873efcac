import type { Logger } from '../logger';
import type { Message } from '../protocol/messages';

/**
 * Sees one message and decides what becomes of it (wampy's `MessageHandler`, autobahn's
 * `onmessage` hooks): return nothing to let it pass (changes made to it in place are kept),
 * another message to put in its place, or `null` to drop it. A throw is logged and the message
 * passes as the hook got it.
 *
 * @example
 * // stamp every CALL with a trace id, and drop the events of one topic's subscription
 * const hook: MessageHook = (msg) => {
 *   if (msg.type === MessageType.CALL) msg.options._trace_id = 'abc';
 *   if (msg.type === MessageType.EVENT && msg.subscription === noisy.id) return null;
 * };
 */
export type MessageHook = (message: Message) => Message | null | undefined | void;

/** Hooks to install when a connection is made, so they see its first HELLO and WELCOME too. */
export interface MessageHookOptions {
  /** Messages from the router: after validation, before the session handles them. */
  inbound?: MessageHook;
  /** Messages to the router: before they are serialized, so what the hook leaves is sent. */
  outbound?: MessageHook;
}

/**
 * Inbound and outbound message hooks of a session, for logging, tracing, rewriting or
 * filtering messages without subclassing. Inbound hooks see each message after it was
 * validated and before it is handled; outbound hooks see each message before it is
 * serialized, so the message they leave is the one sent. Hooks run in the order installed,
 * each on what the one before left; once one drops a message, the rest do not see it. With
 * no hook installed the session pays one boolean check per message.
 *
 * An inbound message over an in-process link shares its `args` / `kwargs` with the sender:
 * replace them (`{ ...msg, args: [...] }`) rather than changing them in place.
 *
 * @example
 * const stop = session.hooks.onInbound((msg) => console.log('<-', msg.type));
 * stop(); // removes the hook
 */
export class MessageHooks {
  private inbound: readonly MessageHook[] = [];
  private outbound: readonly MessageHook[] = [];

  /** `logger` receives the errors of throwing hooks. */
  constructor(private readonly logger: Logger) {}

  /** True when an inbound hook is installed. */
  get hasInbound(): boolean {
    return this.inbound.length > 0;
  }

  /** True when an outbound hook is installed. */
  get hasOutbound(): boolean {
    return this.outbound.length > 0;
  }

  /** Installs a hook for messages from the router; returns the function that removes it. */
  onInbound(hook: MessageHook): () => void {
    this.inbound = [...this.inbound, hook];
    return () => {
      this.inbound = this.inbound.filter((h) => h !== hook);
    };
  }

  /** Installs a hook for messages to the router; returns the function that removes it. */
  onOutbound(hook: MessageHook): () => void {
    this.outbound = [...this.outbound, hook];
    return () => {
      this.outbound = this.outbound.filter((h) => h !== hook);
    };
  }

  /** Installs the hooks `options` name (a no-op for undefined). */
  install(options: MessageHookOptions | undefined): void {
    if (options?.inbound !== undefined) this.onInbound(options.inbound);
    if (options?.outbound !== undefined) this.onOutbound(options.outbound);
  }

  /** @internal The message to handle, or null when a hook dropped it. */
  applyInbound(message: Message): Message | null {
    return this.apply(this.inbound, message, 'inbound');
  }

  /** @internal The message to send, or null when a hook dropped it. */
  applyOutbound(message: Message): Message | null {
    return this.apply(this.outbound, message, 'outbound');
  }

  // The lists are replaced, never changed in place, so a hook may remove itself while running.
  private apply(hooks: readonly MessageHook[], message: Message, direction: string): Message | null {
    let current = message;
    for (const hook of hooks) {
      let verdict: Message | null | undefined | void;
      try {
        verdict = hook(current);
      } catch (err) {
        this.logger.warn({ err, direction }, 'a message hook threw; ignored');
        continue;
      }
      if (verdict === null) {
        this.logger.debug({ direction, type: current.type }, 'a message hook dropped a message');
        return null;
      }
      // Only a message replaces one: `(m) => log.push(m)` returns a number and means "pass".
      if (typeof verdict === 'object') current = verdict;
    }
    return current;
  }
}
