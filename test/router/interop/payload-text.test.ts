import { WebSocket } from 'ws';
import { connect, Result, type Client } from '../../../src/client';
import { MessageType as M } from '../../../src/protocol';
import type { Router } from '../../../src/router';
import { createInProcessPair } from '../../../src/transport/inprocess';
import { until } from '../../helpers/until';
import { startRouter } from '../helpers/router';

/** A raw WebSocket JSON peer over loopback that keeps the text of every frame it receives. */
class TextPeer {
  readonly frames: string[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(String(data)));
  }

  static async join(url: string): Promise<TextPeer> {
    const peer = new TextPeer(new WebSocket(url, ['wamp.2.json']));
    await new Promise((resolve) => peer.ws.once('open', resolve));
    peer.ws.send(JSON.stringify([M.HELLO, 'realm1', { roles: { caller: {}, callee: {} } }]));
    await peer.next(M.WELCOME);
    return peer;
  }

  /** The next frame of type `code` not yet taken, as text. */
  async next(code: number): Promise<string> {
    const prefix = `[${code},`;
    await until(() => this.frames.some((f) => f.startsWith(prefix)), { what: `message ${code}` });
    const index = this.frames.findIndex((f) => f.startsWith(prefix));
    return this.frames.splice(index, 1)[0];
  }
}

describe('a JSON payload through the router', () => {
  let router: Router;
  const peers: TextPeer[] = [];

  const clients: Client[] = [];

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.ws.terminate();
    for (const client of clients.splice(0)) await client.close();
    await router.stop();
  });

  it('reaches the callee and comes back to the caller as the peers wrote it: integers beyond 2^53, bytes, order', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }] });
    const url = router.listeners[0].url;
    const callee = await TextPeer.join(url);
    const caller = await TextPeer.join(url);
    peers.push(callee, caller);
    callee.ws.send(JSON.stringify([M.REGISTER, 1, {}, 'com.shop.echo']));
    await callee.next(M.REGISTERED);

    const lines = Array.from({ length: 50 }, (_, i) => `{"z":${i},"a":"line ${i}","n":1.50}`).join(',');
    const payload = `[9007199254740993,"\\u0000AAEC",[${lines}]],{"rush":true}]`;
    caller.ws.send(`[48,1,{},"com.shop.echo",${payload}`);
    const invocation = await callee.next(M.INVOCATION);
    expect(invocation.endsWith(`,${payload}`)).toBe(true);
    const request = (JSON.parse(invocation.replace('9007199254740993', '0')) as number[])[1];

    callee.ws.send(`[70,${request},{},${payload}`);
    const result = await caller.next(M.RESULT);
    expect(result).toBe(`[50,1,{},${payload}`);
  });

  it('is written again from its values once an in-process peer held the list: a change in place reaches the caller', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }] });
    const caller = await TextPeer.join(router.listeners[0].url);
    peers.push(caller);
    // An in-process callee holds the INVOCATION's Arguments list itself (no copy), changes it
    // and answers with that very list: the caller must get the change, not the text it sent.
    const callee = await connect({
      reconnect: false,
      transport: async () => {
        const [near, far] = createInProcessPair();
        router.attach(far);
        return near;
      },
    });
    clients.push(callee);
    await callee.register('com.shop.stamp', (args, kwargs) => {
      args[0] = 'stamped';
      return new Result(args, kwargs);
    });

    const lines = Array.from({ length: 50 }, (_, i) => `{"line":${i},"text":"order line ${i}"}`).join(',');
    caller.ws.send(`[48,7,{},"com.shop.stamp",["fresh",[${lines}]],{"rush":true}]`);
    const result = await caller.next(M.RESULT);
    expect(result).toBe(`[50,7,{},["stamped",[${lines}]],{"rush":true}]`);
  });
});
