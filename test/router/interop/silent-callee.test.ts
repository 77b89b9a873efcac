import { connect, WampError, type Client } from '../../../src';
import { createLogger } from '../../../src/logger';
import type { Router } from '../../../src/router';
import { FaultProxy } from '../../helpers/fault-proxy';
import { until } from '../../helpers/until';
import { startRouter } from '../helpers/router';

const quietLogger = () => createLogger({ level: 'silent' });
const KEEPALIVE = { interval: 200, timeout: 200 };

/**
 * Build item 4 of issue 11 with our own client as the callee, behind a fault proxy that stops
 * forwarding without closing anything (the callee's packets stop, as when its host vanishes):
 * the router's keep-alive drops the link, the call in flight fails at that moment with an
 * error that says so, and the callee's own keep-alive notices, reconnects and serves again.
 */
describe('a callee whose link goes silent mid-call', () => {
  let router: Router;
  let proxy: FaultProxy;
  let callee: Client;
  let caller: Client;

  afterEach(async () => {
    await caller?.close();
    await callee?.close();
    await proxy?.stop();
    await router?.stop();
  });

  it('fails the call at that moment with wamp.error.canceled naming the silence; the callee reconnects', async () => {
    router = await startRouter({
      listeners: [{ type: 'websocket', port: 0, keepAlive: KEEPALIVE }],
      logger: quietLogger(),
    });
    proxy = await FaultProxy.start(router.listeners[0].port!);
    callee = await connect({
      url: `ws://127.0.0.1:${proxy.port}/ws`,
      keepAlive: KEEPALIVE,
      reconnect: { initialDelay: 50, maxDelay: 200 },
      logger: quietLogger(),
    });
    let invocations = 0;
    await callee.connection.register('com.example.slow', () => {
      invocations++;
      // The first invocation never answers (its link goes silent meanwhile); later ones do.
      return invocations === 1 ? new Promise<never>(() => undefined) : 'served';
    });
    caller = await connect({ url: router.clientUrl!, logger: quietLogger() });
    const closes: unknown[] = [];
    callee.connection.on('close', (info) => closes.push(info));

    const call = caller.call('com.example.slow').catch((error: unknown) => error);
    await until(() => invocations === 1, { what: 'the invocation' });
    proxy.freeze();
    const error = await call;
    expect(error).toBeInstanceOf(WampError);
    expect((error as WampError).uri).toBe('wamp.error.canceled');
    expect((error as WampError).message).toMatch(
      /the callee's link dropped before it answered \(keep-alive: the peer sent nothing for 400 ms, not even a pong\)/,
    );
    expect(router.stats.callsInFlight).toBe(0);

    // The callee's side sees the same silence (the router's close is held by the frozen proxy).
    await until(() => closes.length > 0, { what: "the callee's keep-alive" });
    expect(closes[0]).toMatchObject({ willRetry: true });
    proxy.thaw();
    await until(
      async () => {
        try {
          return (await caller.call('com.example.slow')) === 'served';
        } catch {
          return false;
        }
      },
      { what: 'the callee to serve again', timeout: 10_000, every: 50 },
    );
  }, 30_000);
});
