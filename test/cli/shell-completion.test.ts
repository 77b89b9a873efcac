import repl from 'node:repl';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { connect, type Client } from '../../src';
import type { ServiceDescription } from '../../src/contracts/describe';
import { runServices, type TestSystem } from '../../src/testing';
import { shellContext } from '../../cli/commands/shell';
import { DemoService } from './fixtures/demo.service';

/** `wservice shell` completes rpc.<service>.<method> from the services' descriptions. */

let system: TestSystem;
let client: Client;
let server: repl.REPLServer;

beforeAll(async () => {
  system = await runServices([DemoService]);
  client = await connect({ url: system.url, realm: system.realm, reconnect: false });
  const { services } = (await client.call('wservice.describe')) as {
    services: Record<string, ServiceDescription>;
  };
  server = repl.start({ input: new PassThrough(), output: new PassThrough(), terminal: false, prompt: '' });
  Object.assign(server.context, shellContext(client, services));
});
afterAll(async () => {
  server?.close();
  await client?.close();
  await system?.stop();
});

type Completion = (line: string, done: (err: Error | null, result?: [string[], string]) => void) => void;

function complete(line: string): Promise<string[]> {
  const completer = server.completer as unknown as Completion;
  return new Promise((resolve, reject) =>
    completer.call(server, line, (err, result) =>
      err ? reject(err) : resolve(result![0].filter((c) => c !== '')),
    ),
  );
}

describe('shell completion', () => {
  it('completes services, then their methods', async () => {
    expect(await complete('rpc.')).toEqual(['rpc.demo']);
    expect(await complete('rpc.demo.he')).toEqual(['rpc.demo.hello']);
    expect(await complete('rpc.demo.')).toEqual(expect.arrayContaining(['rpc.demo.hello', 'rpc.demo.count']));
  });

  it("shows a method's signature and calls it", async () => {
    const context = server.context as { rpc: Record<string, Record<string, (...a: unknown[]) => unknown>> };
    expect(inspect(context.rpc.demo.hello)).toBe('demo.hello(name: string, greeting?: string): string');
    expect(await context.rpc.demo.hello('Ada')).toBe('Hello Ada');
    // A service nobody described is still a proxy.
    expect(typeof context.rpc.elsewhere.anything).toBe('function');
  });
});
