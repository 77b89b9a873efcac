import type { Args, Kwargs } from '../../src';
import { runCli, startCli } from './helpers/cli';
import { useDemoSystem } from './helpers/demo-system';

/** `wservice publish` and `wservice subscribe` in child processes, on a real router. */

const demo = useDemoSystem();

describe('wservice publish', () => {
  it('publishes parsed arguments and kwargs, acknowledged by default', async () => {
    const received = new Promise<[Args, Kwargs]>((resolve) => {
      void demo.system.client.subscribe('demo.published', (args, kwargs) => resolve([args, kwargs]));
    });
    await new Promise((r) => setTimeout(r, 50));
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
    const received = new Promise<Args>((resolve) => {
      void demo.system.client.subscribe('demo.fire', (args) => resolve(args));
    });
    await new Promise((r) => setTimeout(r, 50));
    const result = await runCli(['publish', 'demo.fire', '1', '--no-acknowledge', ...demo.router]);
    expect(result).toEqual({ code: 0, stdout: 'published demo.fire\n', stderr: '' });
    expect(await received).toEqual([1]);
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
