import { runCli } from './helpers/cli';
import { useDemoSystem } from './helpers/demo-system';

/** `wservice describe` in a child process against services on a real router. */

const demo = useDemoSystem();

const describe$ = (...args: string[]) => runCli(['describe', ...args, ...demo.router]);

describe('wservice describe', () => {
  it('prints each procedure with its parameters, result and doc comment', async () => {
    const { code, stdout, stderr } = await describe$();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      "demo (DemoService, contract from typescript)  What the client commands' tests call: plain values, kwargs, errors, progress, slowness.",
    );
    expect(lines).toContain('  rpc        demo.hello(name: string, greeting?: string): string');
    expect(lines).toContain('  rpc        demo.echo(...values: any[]): any[]');
    expect(lines).toContain(
      '             Returns its arguments as they arrived, to show how the CLI parsed them.',
    );
    expect(lines).toContain('  rpc        demo.count(to: number): string');
  });

  it('--json prints the JSON Schema description of one service', async () => {
    const { code, stdout } = await describe$('demo', '--json');
    expect(code).toBe(0);
    const d = JSON.parse(stdout);
    expect(d.service).toBe('demo');
    expect(d.procedures['demo.hello'].args).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [
        { type: 'string', title: 'name' },
        { type: 'string', title: 'greeting' },
      ],
      items: false,
      minItems: 1,
    });
    expect(d.procedures['demo.count'].progress).toMatchObject({ type: 'number' });
  });

  it('reports an unknown service as a remote error, exit 1', async () => {
    const { code, stderr } = await describe$('nope');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: wamp\.error\.no_such_procedure: .*wservice\.describe\.nope/);
  });
});
