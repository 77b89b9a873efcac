import type { Args, Kwargs } from '../../src';
import { startTestRouter } from '../../src/testing';
import { runCli, startCli } from './helpers/cli';
import { useDemoSystem } from './helpers/demo-system';

/** `wservice publish` and `wservice subscribe` in child processes, on a real router. */

const demo = useDemoSystem();

describe('wservice publish', () => {
  it('publishes parsed arguments and kwargs, acknowledged by default', async () => {
    const { received } = await nextEvent('demo.published');
    const result = await runCli([
      'publish',
      'demo.published',
      'Ada',
      '2',
      '--kwargs',
      '{"k":true}',
      ...demo.router,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^published demo\.published \(publication \d+\)\n$/);
    expect(await received).toEqual([['Ada', 2], { k: true }]);
  });

  it('--no-acknowledge sends and leaves without waiting for the broker', async () => {
    const { received } = await nextEvent('demo.fire');
    const result = await runCli(['publish', 'demo.fire', '1', '--no-acknowledge', ...demo.router]);
    expect(result).toEqual({ code: 0, stdout: 'published demo.fire\n', stderr: '' });
    expect(await received).toEqual([[1], {}]);
  });

  it('reports an invalid topic as a remote error, exit 1', async () => {
    const result = await runCli(['publish', 'demo..bad', ...demo.router]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: wamp\.error\.invalid_uri\b.*\n$/);
  });
});

describe('wservice subscribe', () => {
  it('prints one line per event as it comes, and exits 0 on SIGINT', async () => {
    const subscriber = startCli(['subscribe', 'demo.announced', ...demo.router]);
    await subscriber.waitFor('stderr', 'subscribed to demo.announced');
    expect(subscriber.stderr()).toContain(`on ${demo.system.url} (realm ${demo.system.realm})`);
    await demo.system.client.call('demo.announce', ['first']);
    await subscriber.waitFor('stdout', 'first');
    await demo.system.client.publish('demo.announced', [1, 2], { k: 'v' });
    await subscriber.waitFor('stdout', '"kwargs"');
    const lines = subscriber.stdout().trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} demo\.announced first$/),
      expect.stringMatching(
        /^\d\d:\d\d:\d\d\.\d{3} demo\.announced \{"args":\[1,2\],"kwargs":\{"k":"v"\}\}$/,
      ),
    ]);
    subscriber.child.kill('SIGINT');
    expect(await subscriber.exited).toBe(0);
  });

  it('--match prefix with --json prints JSON lines with the concrete topic', async () => {
    const subscriber = startCli(['subscribe', 'demo.json', '--match', 'prefix', '--json', ...demo.router]);
    await subscriber.waitFor('stderr', 'subscribed to demo.json (prefix)');
    const publish = await runCli(['publish', 'demo.json.one', '{"n":1}', ...demo.router]);
    expect(publish.code).toBe(0);
    await subscriber.waitFor('stdout', '\n');
    expect(JSON.parse(subscriber.stdout())).toEqual({
      topic: 'demo.json.one',
      args: [{ n: 1 }],
      kwargs: {},
      publication: expect.any(Number),
    });
    subscriber.child.kill('SIGTERM');
    expect(await subscriber.exited).toBe(0);
  });

  it('refuses an unknown --match policy in one line', async () => {
    const result = await runCli(['subscribe', 'demo', '--match', 'exactly', ...demo.router]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: option '--match <policy>' argument 'exactly' is invalid.*\n$/);
  });
});

describe('wservice subscribe across a router restart', () => {
  it('says the connection was lost, joins again and goes on printing events', async () => {
    const first = await startTestRouter();
    const { port } = first.router.listeners[0];
    const sameAddress = { listeners: [{ type: 'websocket' as const, host: '127.0.0.1', port, path: '/ws' }] };
    const subscriber = startCli(['subscribe', 'demo.restart', '--router', first.url]);
    await subscriber.waitFor('stderr', 'subscribed to demo.restart');
    await first.stop();
    await subscriber.waitFor('stderr', /connection lost \(.*\); retrying in \d+ ms/);
    const second = await startTestRouter(sameAddress);
    try {
      await subscriber.waitFor('stderr', 'joined again');
      const publish = await runCli(['publish', 'demo.restart', 'after', '--router', second.url]);
      expect(publish.code).toBe(0);
      await subscriber.waitFor('stdout', 'demo.restart after\n');
      subscriber.child.kill('SIGINT');
      expect(await subscriber.exited).toBe(0);
    } finally {
      await second.stop();
    }
  });
});

/** Subscribes the test's client to `topic`; `received` resolves with the next event. */
async function nextEvent(topic: string): Promise<{ received: Promise<[Args, Kwargs]> }> {
  let resolve!: (event: [Args, Kwargs]) => void;
  const event = new Promise<[Args, Kwargs]>((r) => (resolve = r));
  const subscription = await demo.system.client.subscribe(topic, (args, kwargs) => resolve([args, kwargs]));
  return { received: event.finally(() => subscription.unsubscribe()) };
}
