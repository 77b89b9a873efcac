import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect, RemoteError, type Client } from '../../src';
import {
  describeClasses,
  pythonClient,
  readDescriptions,
  typescriptClient,
} from '../../src/contracts/codegen';
import type { ServiceDescription } from '../../src/contracts/describe';
import { runServices, type TestSystem } from '../../src/testing';
import { InventoryService } from '../../examples/shop/services/inventory.service';
import { NotificationsService } from '../../examples/shop/services/notifications.service';
import { OrdersService } from '../../examples/shop/services/orders.service';
import { PaymentsService } from '../../examples/shop/services/payments.service';
import { main as typedClient } from '../../examples/shop/clients/typed-client';
import { connect as connectAutobahn } from '../router/helpers/autobahn';
import { FormsService } from './codegen/forms.service';

/**
 * `wservice codegen`'s clients, end to end: generated from a running shop's descriptions,
 * the TypeScript module compiled with `tsc --strict` (for Node with our client and
 * autobahn-js, and for a browser with no Node types) and called; the Python module run
 * with /usr/bin/python3 and Debian's python3-autobahn.
 */

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

let system: TestSystem;
let client: Client;
let descriptions: ServiceDescription[];
let dir: string;

beforeAll(async () => {
  system = await runServices([
    OrdersService,
    PaymentsService,
    InventoryService,
    NotificationsService,
    FormsService,
  ]);
  client = await connect({ url: system.url, realm: system.realm, reconnect: false });
  descriptions = readDescriptions(await client.call('wservice.describe'));
  dir = mkdtempSync(join(tmpdir(), 'wservice-codegen-'));
}, 60_000);
afterAll(async () => {
  await client?.close();
  await system?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the TypeScript client', () => {
  let source: string;
  beforeAll(() => {
    source = typescriptClient(descriptions, 'the test system');
    writeFileSync(join(dir, 'shop-client.ts'), source);
  });

  it('spells every procedure with its parameters and result, named types declared once', () => {
    expect(source).not.toMatch(/^import /m);
    expect(source).toContain('export interface OrdersService {');
    expect(source).toContain('  place(sku: string, quantity?: number): Promise<Order>;');
    expect(source).toContain('  get(id: string): Promise<null | Order>;');
    expect(source).toContain(
      '  reserve(sku: string, quantity: number): Promise<{ sku: string; left: number }>;',
    );
    expect(source.match(/^export interface Receipt \{/gm)).toHaveLength(1);
    expect(source).toContain('  scale(factor: number | undefined, value: number): Promise<number>;');
    expect(source).toContain('  sum(first: number, ...rest: number[]): Promise<number>;');
    expect(source).toContain('  children?: Tree[];');
    expect(source).toContain("  'content-type': string;");
    expect(source).toContain(
      '  label(item: Labelled, tags: { [key: string]: number }, pair: [string, number?]): Promise<string>;',
    );
    expect(source).toContain(
      "  when(at: Date | string, id: null | bigint | number, kind: true | 1 | 'x'): Promise<string>;",
    );
    expect(source).toContain("keyword: (from, arg1) => invoke(caller, 'forms.renamed', [from, arg1]),");
  });

  it('compiles under tsc --strict for a browser (no Node types) and with our client and autobahn-js', async () => {
    if (!existsSync(join(ROOT, 'dist/src/index.d.ts')))
      throw new Error('dist/src is missing: run `npm run build` before this test (npm test does)');
    const usage = [
      `import type { Client } from ${JSON.stringify(join(ROOT, 'dist/src'))};`,
      `import type { Session } from 'autobahn';`,
      `import { ordersService, type Order, type OrdersService } from './shop-client';`,
      'export async function placed(client: Client, session: Session): Promise<number> {',
      '  const fromClient: OrdersService = ordersService(client);',
      '  const order: Order = await fromClient.place("apple", 2);',
      '  const again = await ordersService(session).get(order.id);',
      '  return again === null ? 0 : again.total;',
      '}',
    ].join('\n');
    writeFileSync(join(dir, 'usage.ts'), usage);
    const strict = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'commonjs', '--skipLibCheck'];
    const browser = [...strict, '--lib', 'es2022,dom', '--typeRoots', dir, join(dir, 'shop-client.ts')];
    const node = [
      ...strict,
      '--esModuleInterop',
      '--typeRoots',
      join(ROOT, 'node_modules/@types'),
      join(dir, 'usage.ts'),
    ];
    for (const args of [browser, node]) {
      const compiled = await run(process.execPath, [TSC, ...args], { cwd: dir }).catch(
        (err: { stdout: string }) => ({ stdout: err.stdout }),
      );
      expect(compiled.stdout).toBe('');
    }
  }, 60_000);

  it('calls the running services through our client and autobahn-js', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const generated = require(join(dir, 'shop-client.ts')) as GeneratedModule;
    const orders = generated.ordersService(client);
    const order = (await orders.place('apple', 2)) as { id: string };
    expect(order).toMatchObject({ sku: 'apple', quantity: 2, total: 4, receipt: { amount: 4 } });
    expect(await orders.place('pear')).toMatchObject({ quantity: 1 });
    expect(await generated.formsService(client).sum(1, 2, 3)).toBe(6);
    expect(await generated.formsService(client).keyword('a', { lambda: 'b' })).toBe('a:b:0');
    const refused = await orders.place(5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteError);
    expect(refused).toMatchObject({
      uri: 'wamp.error.invalid_argument',
      args: ['place() sku: expected string, got number 5'],
    });

    const autobahn = await connectAutobahn({
      transport: 'websocket',
      url: system.url,
      serializer: 'msgpack',
    });
    try {
      expect(await generated.ordersService(autobahn.session).get(order.id)).toMatchObject({ id: order.id });
      expect(await generated.inventoryService(autobahn.session).available('apple')).toBe(8);
    } finally {
      await autobahn.close();
    }
  });
});

describe('the Python stubs', () => {
  it('run under /usr/bin/python3 with python3-autobahn: typed, calls succeed, a wrong argument is refused', async () => {
    writeFileSync(join(dir, 'shop_client.py'), pythonClient(descriptions, 'the test system'));
    writeFileSync(join(dir, 'drive.py'), PYTHON_DRIVER);
    const { stdout } = await run('/usr/bin/python3', [join(dir, 'drive.py'), system.url, system.realm], {
      cwd: dir,
      timeout: 20_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(report).toEqual({
      hints: expect.objectContaining({
        'OrdersService.place': { sku: 'str', quantity: 'float', return: 'Order' },
        'Order.receipt': 'Receipt',
        'Tree.children': 'NotRequired[list[shop_client.Tree]]',
      }),
      labelled: ['content-type', 'class'],
      placed: { sku: 'fig', quantity: 0, total: 0 },
      sum: 6,
      scaled: 14,
      keyword: 'x:y:2',
      refused: {
        error: 'wamp.error.invalid_argument',
        message: 'place() sku: expected string, got number 5',
        kwargs: expect.objectContaining({ parameter: 'sku', path: 'sku' }),
      },
    });
  }, 30_000);
});

describe("the shop's example clients", () => {
  const shop = [OrdersService, PaymentsService, InventoryService, NotificationsService];
  const generated = join(ROOT, 'examples/shop/clients/generated');

  it('are what codegen writes from the shop today', () => {
    const rerun =
      'run: node bin/wservice.js codegen examples/shop/services --ts examples/shop/clients/generated/shop-client.ts --python examples/shop/clients/generated/shop_client.py';
    const fresh = describeClasses(shop);
    expect({ rerun, text: readFileSync(join(generated, 'shop-client.ts'), 'utf8') }).toEqual({
      rerun,
      text: typescriptClient(fresh, 'examples/shop/services'),
    });
    expect({ rerun, text: readFileSync(join(generated, 'shop_client.py'), 'utf8') }).toEqual({
      rerun,
      text: pythonClient(fresh, 'examples/shop/services'),
    });
  });

  it('typed-client.ts places an order and hears the refusal of a wrong argument', async () => {
    const lines = await typedClient(system.url, system.realm);
    expect(lines).toEqual([
      expect.stringMatching(/^placed order-\d+: 2 x apple for 4$/),
      expect.stringMatching(/^apples left: \d+$/),
      'wamp.error.invalid_argument: place() quantity: expected number, got string "2"',
    ]);
  });

  it('typed_client.py does the same from /usr/bin/python3', async () => {
    const script = join(ROOT, 'examples/shop/clients/typed_client.py');
    const { stdout } = await run('/usr/bin/python3', [script, system.url], {
      env: { ...process.env, WSERVICE_REALM: system.realm },
      timeout: 20_000,
    });
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^placed order-\d+: 2 x pear for 6$/),
      expect.stringMatching(/^pears left: \d+$/),
      'wamp.error.invalid_argument: place() quantity: expected number, got string "2"',
    ]);
  }, 30_000);
});

/** The generated module as this test reads it (its own types are checked by tsc above). */
type GeneratedModule = Record<
  string,
  (caller: unknown) => Record<string, (...args: unknown[]) => Promise<unknown>>
>;

const PYTHON_DRIVER = `
import asyncio, json, sys, typing
from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
from autobahn.wamp.exception import ApplicationError
import shop_client

def names(hints):
    return {k: getattr(v, "__name__", None) if isinstance(v, type) else str(v).replace("typing.", "") for k, v in hints.items()}

report = {}
place_hints = names(typing.get_type_hints(shop_client.OrdersService.place))
report["hints"] = {
    "OrdersService.place": place_hints,
    "Order.receipt": names(typing.get_type_hints(shop_client.Order))["receipt"],
    "Tree.children": names(typing.get_type_hints(shop_client.Tree, include_extras=True))["children"],
}
# Every annotation of the module resolves.
for name in dir(shop_client):
    value = getattr(shop_client, name)
    if isinstance(value, type) and value.__module__ == "shop_client":
        typing.get_type_hints(value)
        for member in vars(value).values():
            if callable(member):
                typing.get_type_hints(member)
report["labelled"] = list(typing.get_type_hints(shop_client.Labelled))

class Driver(ApplicationSession):
    async def onJoin(self, details):
        try:
            orders = shop_client.OrdersService(self)
            forms = shop_client.FormsService(self)
            placed = await orders.place("fig", 0)
            report["placed"] = {k: placed[k] for k in ("sku", "quantity", "total")}
            report["sum"] = await forms.sum(1, 2, 3)
            report["scaled"] = await forms.scale(value=7)
            report["keyword"] = await forms.keyword("x", {"lambda": "y", "yield": 2})
            try:
                await orders.place(5)
            except ApplicationError as error:
                report["refused"] = {"error": error.error, "message": error.args[0], "kwargs": error.kwargs}
        finally:
            self.leave()

    def onDisconnect(self):
        asyncio.get_event_loop().stop()

ApplicationRunner(sys.argv[1], sys.argv[2]).run(Driver)
print(json.dumps(report))
`;
