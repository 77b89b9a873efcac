import { connect as connectClient, type Client as WClient } from '../../src/client/connect';
import type { EventInfo, InvocationContext } from '../../src/client';
import { MessageType as M } from '../../src/protocol';
import type { Router } from '../../src/router';
import { connect as connectAutobahn, type Client as AutobahnClient } from './helpers/autobahn';
import { ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

/** Keys a router passes on: the spec's `_[a-z0-9_]{3,}` and the `x_` convention. */
const CUSTOM = { x_correlation_id: 'c-42', _trace_id: 'abc', x_: 1, x_a1_b: [1, { deep: true }] };
/** Keys that look alike but are not custom attributes, and must not be forwarded. */
const NOT_CUSTOM = { x_Upper: 1, X_caps: 1, x_1st: 1, _ab: 1, _Trace: 1, y_other: 1, correlation: 1 };

describe('custom attributes', () => {
  let router: Router;

  afterEach(async () => {
    await router.stop();
  });

  describe('scripted peers', () => {
    beforeEach(async () => {
      router = await startRouter();
    });

    it('travel from CALL Options to INVOCATION Details, untouched, beside the spec keys', async () => {
      const callee = await ScriptedPeer.join(router);
      await callee.register('com.example.', { match: 'prefix' });
      const caller = await ScriptedPeer.join(router);
      caller.call('com.example.op', [], { ...CUSTOM, ...NOT_CUSTOM, disclose_me: true });
      const invocation = await callee.expect(M.INVOCATION);
      expect(invocation[3]).toEqual({
        ...CUSTOM,
        procedure: 'com.example.op',
        caller: caller.sessionId,
        caller_authid: expect.any(String),
        caller_authrole: 'anonymous',
      });
    });

    it('are not forwarded when absent, and a hostile __proto__ key changes nothing', async () => {
      const callee = await ScriptedPeer.join(router);
      await callee.register('com.example.op');
      const caller = await ScriptedPeer.join(router);
      caller.call('com.example.op');
      expect((await callee.expect(M.INVOCATION))[3]).toEqual({});
      // JSON.parse makes `__proto__` an own key, as a decoded frame would.
      caller.call(
        'com.example.op',
        [],
        JSON.parse('{"__proto__": {"polluted": true}, "x_ok": 1}') as Record<string, unknown>,
      );
      const details = (await callee.expect(M.INVOCATION))[3] as Record<string, unknown>;
      expect(details).toEqual({ x_ok: 1 });
      expect(Object.getPrototypeOf(details)).toBe(Object.prototype);
    });

    it('travel from PUBLISH Options to EVENT Details for every subscription', async () => {
      const exact = await ScriptedPeer.join(router);
      await exact.subscribe('com.example.news');
      const pattern = await ScriptedPeer.join(router);
      await pattern.subscribe('com.example.', { match: 'prefix' });
      const publisher = await ScriptedPeer.join(router);
      publisher.send([
        M.PUBLISH,
        1,
        { ...CUSTOM, ...NOT_CUSTOM, acknowledge: true },
        'com.example.news',
        ['n'],
      ]);
      await publisher.expect(M.PUBLISHED);
      expect((await exact.expect(M.EVENT))[3]).toEqual(CUSTOM);
      expect((await pattern.expect(M.EVENT))[3]).toEqual({ ...CUSTOM, topic: 'com.example.news' });
    });

    it('travel from YIELD Options to RESULT Details, progressive results included', async () => {
      const callee = await ScriptedPeer.join(router);
      await callee.register('com.example.op');
      const caller = await ScriptedPeer.join(router);
      const request = caller.call('com.example.op', [], { receive_progress: true });
      const invocation = await callee.expect(M.INVOCATION);
      callee.send([M.YIELD, invocation[1], { progress: true, x_step: 1 }, ['half']]);
      callee.send([M.YIELD, invocation[1], { ...CUSTOM, ...NOT_CUSTOM }, ['done']]);
      expect(await caller.expect(M.RESULT)).toEqual([
        M.RESULT,
        request,
        { progress: true, x_step: 1 },
        ['half'],
      ]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, CUSTOM, ['done']]);
    });
  });

  describe('real clients over WebSocket', () => {
    let url: string;
    const closers: (() => Promise<void>)[] = [];

    beforeEach(async () => {
      router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }] });
      url = router.listeners[0].url;
    });

    afterEach(async () => {
      await Promise.all(closers.splice(0).map((close) => close()));
    });

    async function autobahn(): Promise<AutobahnClient> {
      const client = await connectAutobahn({ transport: 'websocket', url, serializer: 'msgpack' });
      closers.push(() => client.close());
      return client;
    }

    async function wservice(): Promise<WClient> {
      const client = await connectClient({ url, realm: 'realm1' });
      closers.push(() => client.close());
      return client;
    }

    it('carry x_correlation_id from an autobahn-js caller and publisher to a wservice callee and subscriber', async () => {
      const service = await wservice();
      let invoked!: (details: InvocationContext['details']) => void;
      const invocation = new Promise<InvocationContext['details']>((resolve) => (invoked = resolve));
      await service.register('com.example.echo', (args, _kwargs, context) => {
        invoked(context.details);
        return args[0];
      });
      let delivered!: (details: EventInfo['details']) => void;
      const event = new Promise<EventInfo['details']>((resolve) => (delivered = resolve));
      await service.subscribe('com.example.news', (_args, _kwargs, info) => delivered(info.details));

      const browser = await autobahn();
      // autobahn-js sends the options it is given as they are.
      const options = { x_correlation_id: 'req-7' } as Record<string, unknown>;
      expect(await browser.session.call('com.example.echo', ['hi'], {}, options)).toBe('hi');
      expect(await invocation).toEqual({ x_correlation_id: 'req-7' });
      await browser.session.publish('com.example.news', [], {}, { ...options, acknowledge: true });
      expect(await event).toEqual({ x_correlation_id: 'req-7' });
    });

    it('follow a call chain, as docs/router.md shows', async () => {
      const client = await wservice();
      // #region docs
      // A wservice callee finds custom attributes in the INVOCATION Details...
      await client.register('orders.place', (_args, _kwargs, context) => context.details.x_correlation_id);
      // ...which any client sends as call options (`custom` in ours, plain options in autobahn-js).
      const seen = await client.call(
        'orders.place',
        ['apple'],
        {},
        { custom: { x_correlation_id: 'req-7' } },
      );
      // #endregion docs
      expect(seen).toBe('req-7');
    });

    it('carry the custom options of a wservice caller to a callee, and are ignored by autobahn-js', async () => {
      const other = await autobahn();
      await other.session.register('com.example.plain', (args) => args![0]);
      const scripted = await ScriptedPeer.connect(url, 'cbor');
      await scripted.hello();
      await scripted.register('com.example.seen');
      const caller = await wservice();
      // A peer that does not know the attribute ignores it (spec: unknown attributes are ignored).
      expect(await caller.call('com.example.plain', [5], {}, { custom: { x_correlation_id: 'c1' } })).toBe(5);
      const call = caller.call('com.example.seen', [], {}, { custom: { x_correlation_id: 'c2' } });
      const invocation = await scripted.expect(M.INVOCATION);
      expect(invocation[3]).toEqual({ x_correlation_id: 'c2' });
      scripted.send([M.YIELD, invocation[1], {}, ['ok']]);
      expect(await call).toBe('ok');
      scripted.transport.close();
    });
  });
});
