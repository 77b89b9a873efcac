import { Encoder } from 'cbor-x';
import { MessageType as M } from '../../../src/protocol';
import type { Router } from '../../../src/router';
import { ScriptedPeer } from '../helpers/peer';
import { startRouter } from '../helpers/router';
import { SocketLink } from '../helpers/socket-link';

/**
 * A hostile CBOR frame: shared-reference tags (28/29) let a document refer to itself, so a
 * decoder that knows them builds a cyclic value, which no serializer can write out again.
 * The router refuses such frames on sight (tags are outside WAMP's data model); in-process
 * peers, which skip serialization, can still hand it cyclic values.
 */
const hostileEncoder = new Encoder({ structuredClone: true, useRecords: false });

function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

describe('payloads that cannot be serialized again', () => {
  let router: Router;
  let url: string;

  beforeEach(async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }] });
    url = router.listeners[0].url;
  });

  afterEach(async () => {
    await router.stop();
  });

  /** A joined CBOR peer over a real WebSocket that can send hostile frames. */
  async function cborPeer(): Promise<{ peer: ScriptedPeer; sendHostile: (message: unknown[]) => void }> {
    const link = await SocketLink.open({ transport: 'websocket', url, serializer: 'cbor' });
    const peer = await new ScriptedPeer(link).hello();
    return { peer, sendHostile: (message) => link.sendBinary(hostileEncoder.encode(message)) };
  }

  /** A joined in-process peer: its messages are the arrays themselves, cycles included. */
  async function inProcessPeer(): Promise<{ peer: ScriptedPeer; sendHostile: (message: unknown[]) => void }> {
    const peer = await ScriptedPeer.join(router);
    return { peer, sendHostile: (message) => peer.send(message) };
  }

  it('a CBOR frame with shared-reference tags: ABORT protocol_violation, the others go on', async () => {
    const callee = await jsonPeer();
    await callee.register('com.example.echo');
    const { peer: hostile, sendHostile } = await cborPeer();
    sendHostile([M.CALL, 7, {}, 'com.example.echo', [cyclic()]]);
    const abort = await hostile.expect(M.ABORT);
    expect(abort[2]).toBe('wamp.error.protocol_violation');
    expect((abort[1] as { message: string }).message).toMatch(/tag 28, outside WAMP's data model/);
    await callee.sync();
    expect(callee.inbox).toEqual([]);
    expect(router.stats).toMatchObject({ sessions: 1, callsInFlight: 0 });
  });

  async function jsonPeer(): Promise<ScriptedPeer> {
    return (await ScriptedPeer.connect(url, 'json')).hello();
  }

  function invalidArgument(requestType: number, request: number): unknown[] {
    return [M.ERROR, requestType, request, {}, 'wamp.error.invalid_argument', [expect.any(String)]];
  }

  it('a CALL: the caller gets ERROR invalid_argument, the callee nothing, and both go on', async () => {
    const { peer: callee } = await cborPeer();
    await callee.register('com.example.echo');
    const { peer: caller, sendHostile } = await inProcessPeer();
    sendHostile([M.CALL, 7, {}, 'com.example.echo', [cyclic()]]);
    expect(await caller.expect(M.ERROR)).toEqual(invalidArgument(M.CALL, 7));
    expect(router.stats.callsInFlight).toBe(0);

    const request = caller.call('com.example.echo', ['fine']);
    const invocation = await callee.expect(M.INVOCATION);
    expect(invocation[4]).toEqual(['fine']);
    callee.send([M.YIELD, invocation[1], {}, ['fine']]);
    expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['fine']]);
  });

  it('a YIELD or an ERROR: the caller gets ERROR invalid_argument, the callee goes on serving', async () => {
    const { peer: callee, sendHostile } = await inProcessPeer();
    await callee.register('com.example.echo');
    const caller = await jsonPeer();
    const first = caller.call('com.example.echo');
    sendHostile([M.YIELD, (await callee.expect(M.INVOCATION))[1], {}, [cyclic()]]);
    expect(await caller.expect(M.ERROR)).toEqual(invalidArgument(M.CALL, first));
    const second = caller.call('com.example.echo');
    const invocation = (await callee.expect(M.INVOCATION))[1] as number;
    sendHostile([M.ERROR, M.INVOCATION, invocation, {}, 'com.example.error.oops', [cyclic()]]);
    expect(await caller.expect(M.ERROR)).toEqual(invalidArgument(M.CALL, second));

    const third = caller.call('com.example.echo');
    callee.send([M.YIELD, (await callee.expect(M.INVOCATION))[1], {}, ['still here']]);
    expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, third, {}, ['still here']]);
    expect(router.stats).toMatchObject({ sessions: 2, callsInFlight: 0 });
  });

  it('a PUBLISH: dropped and logged; an acknowledging publisher gets ERROR invalid_argument', async () => {
    const subscribers = [await jsonPeer(), (await cborPeer()).peer];
    for (const s of subscribers) await s.subscribe('com.example.news');
    const { peer: publisher, sendHostile } = await inProcessPeer();
    sendHostile([M.PUBLISH, 1, {}, 'com.example.news', [cyclic()]]);
    sendHostile([M.PUBLISH, 2, { acknowledge: true }, 'com.example.news', [cyclic()]]);
    expect(await publisher.expect(M.ERROR)).toEqual(invalidArgument(M.PUBLISH, 2));

    publisher.send([M.PUBLISH, 3, { acknowledge: true }, 'com.example.news', ['fine']]);
    await publisher.expect(M.PUBLISHED);
    // The next thing each subscriber sees is the good event: the hostile ones never reached it.
    for (const s of subscribers) expect((await s.expect(M.EVENT))[4]).toEqual(['fine']);
  });
});
