import { connect, type Client } from '../../../src/client/connect';
import { WampError } from '../../../src/protocol';
import { Router } from '../../../src/router';

/** Smoke test of our own client against our router; the client's suite goes deeper. */
describe('wservice client against the router', () => {
  let router: Router;
  const clients: Client[] = [];

  beforeAll(async () => {
    router = await Router.start({
      listeners: [
        { type: 'websocket', port: 0 },
        { type: 'rawsocket', port: 0 },
      ],
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await router.stop();
  });

  async function client(url = router.listeners[0].url): Promise<Client> {
    const c = await connect({ url, realm: 'realm1' });
    clients.push(c);
    return c;
  }

  it('calls, publishes and cancels with INTERRUPT end to end', async () => {
    const callee = await client();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let interrupted = false;
    await callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    await callee.register(
      'com.example.forever',
      (_args, _kwargs, context) =>
        new Promise((_resolve, reject) => {
          started();
          context.signal.addEventListener('abort', () => {
            interrupted = true;
            reject(new WampError('wamp.error.canceled'));
          });
        }),
    );
    const caller = await client(`rs://127.0.0.1:${router.listeners[1].port}`);
    expect(await caller.call('com.example.add', [2, 3])).toBe(5);

    const abort = new AbortController();
    const call = caller.call('com.example.forever', [], {}, { signal: abort.signal, cancelMode: 'kill' });
    await running;
    abort.abort();
    await expect(call).rejects.toMatchObject({ uri: 'wamp.error.canceled' });
    expect(interrupted).toBe(true);

    let deliver!: (value: unknown) => void;
    const event = new Promise((resolve) => (deliver = resolve));
    await callee.subscribe('com.example.news', (args) => deliver(args[0]));
    await caller.publish('com.example.news', ['hello'], {}, { acknowledge: true });
    expect(await event).toBe('hello');
  });
});
