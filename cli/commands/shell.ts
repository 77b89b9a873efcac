import { homedir } from 'node:os';
import { join } from 'node:path';
import repl from 'node:repl';
import { inspect } from 'node:util';
import { Command } from 'commander';
import { WampError, type Client } from '../../src';
import { procedureSignature, type ServiceDescription } from '../../src/contracts/describe';
import { describeWampError } from '../remote-errors';
import { feedLineByLine } from '../repl-feed';
import { payloadValue } from '../render';
import { connectWithFlags, routerTarget, withRouterFlags, type RouterFlags } from '../router-flags';
import { colour } from '../style';

/** `wservice shell`: a REPL connected to the router, as nameko's shell. */
export function shellCommand(): Command {
  return withRouterFlags(
    new Command('shell').description(
      'an interactive shell (REPL with top-level await) connected to the router',
    ),
  )
    .addHelpText(
      'after',
      `
In the shell:
  await rpc.greeter.hello('Ada')              calls greeter.hello('Ada')
  await rpc['com.example'].add(2, 3)          services whose name has dots
  await call('calc.add', 2, 3)                any procedure, positional arguments
  await publish('users.created', { name: 'Ada' })
  await subscribe('orders.placed', (order) => console.log(order))
  client                                      the connected Client (proxy, register, close...)

Input may be piped: echo "await rpc.greeter.hello('Ada')" | wservice shell

Examples:
  $ wservice shell
  $ wservice shell --router ws://127.0.0.1:9000/ws --realm prod --authid ada --ticket s3cret`,
    )
    .action((flags: RouterFlags) => shell(flags));
}

/** What the shell puts in scope. */
interface ShellContext {
  client: Client;
  call(procedure: string, ...args: unknown[]): Promise<unknown>;
  publish(topic: string, ...args: unknown[]): Promise<void>;
  subscribe(topic: string, handler: (value: unknown, topic: string) => void): Promise<unknown>;
  rpc: Record<string, unknown>;
}

/**
 * The shell's scope: plain functions over one client. The services described on the router
 * (`wservice.describe`) are `rpc`'s own properties, so Tab completes `rpc.<service>.<method>`,
 * and a method shows its signature; any other name is a proxy all the same.
 */
export function shellContext(
  client: Client,
  services: Record<string, ServiceDescription> = {},
): ShellContext {
  const known = new Map(Object.entries(services).map(([name, d]) => [name, serviceObject(client, d)]));
  return {
    client,
    call: (procedure, ...args) => client.call(procedure, args),
    publish: async (topic, ...args) => {
      await client.publish(topic, args, {}, { acknowledge: true });
    },
    // A handler gets the event's value (as a call's: one argument, or { args, kwargs }) and its topic.
    subscribe: (topic, handler) =>
      client.subscribe(topic, (args, kwargs, event) => handler(payloadValue(args, kwargs), event.topic)),
    rpc: new Proxy(Object.create(null) as Record<string, unknown>, {
      // `then` and symbols are probed by await and inspection; they are not services.
      get: (_target, name) =>
        typeof name !== 'string' || name === 'then' ? undefined : (known.get(name) ?? client.proxy(name)),
      ownKeys: () => [...known.keys()],
      getOwnPropertyDescriptor: (_target, name) =>
        typeof name === 'string' && known.has(name)
          ? { configurable: true, enumerable: true, writable: false, value: known.get(name) }
          : undefined,
    }),
  };
}

/**
 * A described service: its proxy (so `$with` and undescribed methods work as before), with
 * one own property per exact procedure, named by method, that shows its signature.
 */
function serviceObject(client: Client, d: ServiceDescription): Record<string, unknown> {
  const methods = new Map<string, unknown>();
  for (const [uri, p] of Object.entries(d.procedures)) {
    if (p.match !== undefined) continue;
    const call = (...args: unknown[]): Promise<unknown> => client.call(uri, args);
    const signature = procedureSignature(uri, p);
    Object.defineProperty(call, inspect.custom, {
      value: () => (p.description === undefined ? signature : `${signature}\n  ${p.description}`),
    });
    methods.set(p.method, call);
  }
  const proxy = client.proxy(d.service) as Record<string, unknown>;
  return new Proxy(Object.create(null) as Record<string, unknown>, {
    get: (_target, name) =>
      typeof name === 'string' && methods.has(name) ? methods.get(name) : proxy[name as string],
    ownKeys: () => [...methods.keys()],
    getOwnPropertyDescriptor: (_target, name) =>
      typeof name === 'string' && methods.has(name)
        ? { configurable: true, enumerable: true, writable: false, value: methods.get(name) }
        : undefined,
  });
}

/** What the router's services describe; none when no wservice runs there. */
async function describedServices(client: Client): Promise<Record<string, ServiceDescription>> {
  try {
    const answer = (await client.call('wservice.describe')) as {
      services?: Record<string, ServiceDescription>;
    };
    return answer?.services ?? {};
  } catch {
    return {};
  }
}

async function shell(flags: RouterFlags): Promise<void> {
  const client = await connectWithFlags(flags, true);
  const { url, realm } = routerTarget(flags);
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const c = colour(process.stdout);
  process.stdout.write(
    `${c('bold', 'wservice shell')} on ${c('cyan', url)} (realm ${realm})\n` +
      c('dim', `rpc.<service>.<method>(...), call(procedure, ...args), publish(topic, ...args),\n`) +
      c('dim', `subscribe(topic, fn), client; await works at the top level; .exit or Ctrl-D to leave\n`),
  );
  // Piped input: no prompts in the output, and lines run one after the other.
  const feeder = interactive ? undefined : feedLineByLine(process.stdin);
  const server = repl.start({
    prompt: interactive ? 'wservice> ' : '',
    input: feeder?.input ?? process.stdin,
    output: process.stdout,
    terminal: interactive,
    ignoreUndefined: true,
    writer: shellWriter(interactive && process.env.NO_COLOR === undefined),
  });
  Object.assign(server.context, shellContext(client, await describedServices(client)));
  feeder?.attach(server);
  if (interactive) server.setupHistory(join(homedir(), '.wservice_history'), () => undefined);
  await new Promise<void>((resolve) => server.on('exit', resolve));
  await client.close().catch(() => undefined);
}

/**
 * Values as node's REPL shows them, except remote errors: a call that failed is an answer,
 * not a crash, so it shows as one line with its URI (`Uncaught RemoteError: <uri>: <message>`)
 * instead of a stack trace.
 */
function shellWriter(colors: boolean): (value: unknown) => string {
  return (value) =>
    value instanceof WampError
      ? `${value.name}: ${describeWampError(value)}`
      : inspect(value, { showProxy: false, colors });
}
