import { MessageType, serializerByName, type Dict, type Frame } from '../../../src/protocol';
import {
  connectWebSocket,
  createInProcessPair,
  type CloseInfo,
  type Transport,
} from '../../../src/transport';
import type { AttachOptions, Router } from '../../../src/router';

/** Every client feature a scripted peer announces unless told otherwise. */
export const ALL_CLIENT_ROLES: Dict = {
  caller: { features: { call_canceling: true, progressive_call_results: true, caller_identification: true } },
  callee: {
    features: {
      call_canceling: true,
      progressive_call_results: true,
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
    },
  },
  publisher: {
    features: {
      publisher_identification: true,
      publisher_exclusion: true,
      subscriber_blackwhite_listing: true,
    },
  },
  subscriber: { features: { pattern_based_subscription: true, publisher_identification: true } },
};

type Wire = unknown[];

/**
 * A WAMP peer scripted message by message: it sends wire arrays and reads what the router
 * answers, in order, over an in-process link or a real socket. For what a real client library
 * cannot do (wrong shapes, out-of-state messages, INTERRUPT handling).
 */
export class ScriptedPeer {
  readonly inbox: Wire[] = [];
  sessionId = 0;
  welcome: Dict = {};
  readonly closed: Promise<CloseInfo>;
  private waiter: (() => void) | null = null;
  private closeInfo: CloseInfo | null = null;
  private nextRequest = 1;

  constructor(readonly transport: Transport) {
    let resolveClosed!: (info: CloseInfo) => void;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));
    transport.attach({
      message: (frame) => {
        this.inbox.push(transport.serializer.deserialize(frame) as Wire);
        this.wake();
      },
      close: (info) => {
        this.closeInfo = info;
        resolveClosed(info);
        this.wake();
      },
    });
  }

  /**
   * A peer attached to `router` that has not said HELLO yet; `trusted` makes it one of the
   * router's own in-process peers (allowed everything, as the services of `ServiceRunner`).
   */
  static attach(router: Router, options: AttachOptions = {}): ScriptedPeer {
    const [client, server] = createInProcessPair();
    router.attach(server, options);
    return new ScriptedPeer(client);
  }

  /** A trusted in-process peer (as a service the runner attaches) that has not said HELLO yet. */
  static attachTrusted(router: Router): ScriptedPeer {
    const [client, server] = createInProcessPair();
    router.attach(server, { trusted: true });
    return new ScriptedPeer(client);
  }

  /** A peer over a WebSocket to `url`, speaking `serializer`, that has not said HELLO yet. */
  static async connect(url: string, serializer = 'json'): Promise<ScriptedPeer> {
    return new ScriptedPeer(await connectWebSocket(url, { serializers: [serializerByName(serializer)!] }));
  }

  /** A peer that joined `realm` (anonymous unless `details` say otherwise). */
  static async join(router: Router, realm = 'realm1', details: Dict = {}): Promise<ScriptedPeer> {
    return ScriptedPeer.attach(router).hello(realm, details);
  }

  /** Says HELLO and waits for WELCOME. */
  async hello(realm = 'realm1', details: Dict = {}): Promise<this> {
    this.send([MessageType.HELLO, realm, { roles: ALL_CLIENT_ROLES, ...details }]);
    const welcome = await this.expect(MessageType.WELCOME);
    this.sessionId = welcome[1] as number;
    this.welcome = welcome[2] as Dict;
    return this;
  }

  /** A fresh request id for this peer. */
  request(): number {
    return this.nextRequest++;
  }

  send(message: Wire): void {
    this.transport.send(this.transport.serializer.serialize(message));
  }

  /** Sends a frame as is: for frames no serializer would produce. */
  sendRaw(frame: Frame): void {
    this.transport.send(frame);
  }

  /** The next message from the router; fails after `timeout` ms or when the link closes first. */
  async next(timeout = 2000): Promise<Wire> {
    const deadline = Date.now() + timeout;
    while (this.inbox.length === 0) {
      if (this.closeInfo !== null)
        throw new Error(`link closed (${this.closeInfo.reason}) while waiting for a message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeout} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.inbox.shift()!;
  }

  /** The next message, which must have message code `code`. */
  async expect(code: number, timeout?: number): Promise<Wire> {
    const message = await this.next(timeout);
    if (message[0] !== code) throw new Error(`expected message ${code}, got ${JSON.stringify(message)}`);
    return message;
  }

  /**
   * Waits until the router has handled everything this peer sent so far (a PUBLISH with
   * acknowledge to a topic nobody uses comes back last), so that anything the router sent
   * other peers meanwhile is already in their inboxes.
   */
  async sync(): Promise<void> {
    const request = this.request();
    this.send([MessageType.PUBLISH, request, { acknowledge: true }, 'test.sync']);
    // Other messages may arrive first; they stay in the inbox, in order.
    const isReply = (m: Wire) => m[0] === MessageType.PUBLISHED && m[1] === request;
    const seen: Wire[] = [];
    for (;;) {
      const message = await this.next();
      if (isReply(message)) break;
      seen.push(message);
    }
    this.inbox.unshift(...seen);
  }

  // Requests that must succeed, returning the id the router assigned.

  async register(procedure: string, options: Dict = {}): Promise<number> {
    const request = this.request();
    this.send([MessageType.REGISTER, request, options, procedure]);
    const reply = await this.expect(MessageType.REGISTERED);
    return reply[2] as number;
  }

  async subscribe(topic: string, options: Dict = {}): Promise<number> {
    const request = this.request();
    this.send([MessageType.SUBSCRIBE, request, options, topic]);
    const reply = await this.expect(MessageType.SUBSCRIBED);
    return reply[2] as number;
  }

  /** Sends CALL and returns its request id. */
  call(procedure: string, args?: unknown[], options: Dict = {}, kwargs?: Dict): number {
    const request = this.request();
    const message: Wire = [MessageType.CALL, request, options, procedure];
    if (args !== undefined || kwargs !== undefined) message.push(args ?? []);
    if (kwargs !== undefined) message.push(kwargs);
    this.send(message);
    return request;
  }

  /** Calls and waits for the RESULT's positional arguments. */
  async callForResult(procedure: string, args?: unknown[], kwargs?: Dict): Promise<unknown[]> {
    const request = this.call(procedure, args, {}, kwargs);
    const reply = await this.next();
    if (reply[0] !== MessageType.RESULT || reply[1] !== request) {
      throw new Error(`expected RESULT for ${request}, got ${JSON.stringify(reply)}`);
    }
    return (reply[3] as unknown[] | undefined) ?? [];
  }

  /** Sends GOODBYE and waits for the router's reply. */
  async leave(): Promise<void> {
    this.send([MessageType.GOODBYE, {}, 'wamp.close.normal']);
    await this.expect(MessageType.GOODBYE);
    this.transport.close();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
