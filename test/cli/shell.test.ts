import { runCli } from './helpers/cli';
import { useDemoSystem } from './helpers/demo-system';

/** `wservice shell` driven through its stdin (not a TTY), as a script would. */

const demo = useDemoSystem();

const shell = (...lines: string[]) => runCli(['shell', ...demo.router], { input: `${lines.join('\n')}\n` });

describe('wservice shell', () => {
  it('names the router and realm, prints a call result, and exits 0 at the end of input', async () => {
    const { code, stdout, stderr } = await shell(`await rpc.demo.hello('Ada')`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [banner, ...rest] = stdout.split('\n');
    expect(banner).toBe(`wservice shell on ${demo.system.url} (realm ${demo.system.realm})`);
    expect(rest.slice(2)).toEqual([`'Hello Ada'`, '']);
  });

  it('runs piped lines in order, each await finished before the next line', async () => {
    const { stdout } = await shell(
      `await rpc.demo.slow(200)`,
      `await call('demo.echo', 1, 'two')`,
      `await rpc.demo.$with({ onProgress: (n) => console.log('step', n) }).count(2)`,
      `const twice = (x) => {`,
      `  return x * 2;`,
      `}`,
      `twice(21)`,
    );
    const output = stdout.split('\n').slice(3).join('\n');
    expect(output).toBe(`'late'\n[ 1, 'two' ]\nstep 1\nstep 2\n'done'\n... ... 42\n`);
  });

  it('publishes and subscribes', async () => {
    const { stdout } = await shell(
      `await subscribe('demo.announced', (text, topic) => console.log('event', topic, text))`,
      `await rpc.demo.announce('hi')`,
      `await new Promise((r) => setTimeout(r, 200))`,
      `await publish('demo.announced', 'from the shell')`,
      `'published'`,
    );
    expect(stdout).toContain('event demo.announced hi\n');
    expect(stdout).toContain(`'published'\n`);
  });

  it('shows a remote error in one line with its URI and goes on', async () => {
    const { code, stdout } = await shell(`await rpc.demo.refuse()`, `1 + 1`);
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(3)).toEqual([
      'Uncaught RemoteError: demo.error.refused: not today',
      '2',
      '',
    ]);
  });

  it('has --help with examples', async () => {
    const { stdout } = await runCli(['shell', '--help']);
    expect(stdout).toContain(`await rpc.greeter.hello('Ada')`);
    expect(stdout).toContain('$ wservice shell --router');
  });
});
