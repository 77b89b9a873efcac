import type { Logger } from '../logger';
import type { Message } from '../protocol/messages';

/** Sees one message; must not mutate it. A throw is logged and ignored. */
export type MessageHook = (message: Message) => void;

/**
 * Inbound and outbound message hooks of a session, for logging, tracing or inspecting every
 * message without subclassing. Inbound hooks see each message after it was validated and
 * before it is handled; outbound hooks see each message before it is serialized. With no
 * hook installed the session pays one boolean check per message.
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

  /** @internal */
  emitInbound(message: Message): void {
    this.emit(this.inbound, message, 'inbound');
  }

  /** @internal */
  emitOutbound(message: Message): void {
    this.emit(this.outbound, message, 'outbound');
  }

  // The lists are replaced, never changed in place, so a hook may remove itself while running.
  private emit(hooks: readonly MessageHook[], message: Message, direction: string): void {
    for (const hook of hooks) {
      try {
        hook(message);
      } catch (err) {
        this.logger.warn({ err, direction }, 'a message hook threw; ignored');
      }
    }
  }
}
