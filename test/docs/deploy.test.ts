import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { serviceRouterOptions } from '../../cli/commands/keys';
import { InventoryService } from '../../examples/shop/services/inventory.service';
import { NotificationsService } from '../../examples/shop/services/notifications.service';
import { OrdersService } from '../../examples/shop/services/orders.service';
import { PaymentsService } from '../../examples/shop/services/payments.service';
import { loadConfig } from '../../src';
import { readYamlFile } from '../../src/config';
import { generateSeed, publicKeyHex } from '../../src/protocol/auth/cryptosign';
import { validateRouterOptions, type RouterOptions } from '../../src/router';
import { readServiceDefinition } from '../../src/service/metadata';
import { assertBuilt, killStarted, runCli, startCli } from '../cli/helpers/cli';

const deploy = join(__dirname, '..', '..', 'examples', 'deploy');

interface CrossbarConfig {
  workers: Array<{
    realms: Array<{
      name: string;
      roles: Array<{ name: string; permissions: Array<{ uri: string; match: string }> }>;
    }>;
    transports: Array<{
      websocket: { ws: { auth: { ticket: { principals: Record<string, { role: string }> } } } };
    }>;
  }>;
}

describe('the deployment example', () => {
  const crossbar = JSON.parse(
    readFileSync(join(deploy, '.crossbar', 'config.json'), 'utf8'),
  ) as CrossbarConfig;
  const config = loadConfig({ file: join(deploy, 'wservice.config.yaml'), env: { SHOP_TICKET: 't' } });

  it('joins the realm the Crossbar.io config defines, with a ticket', () => {
    expect(crossbar.workers[0].realms.map((r) => r.name)).toContain(config.router.realm);
    expect(config.router.auth).toEqual({ ticket: 't' });
    // The nodes of the cluster, as a list: ServiceRunner and connect() take the joined form.
    expect(config.router.url).toBe('ws://crossbar1.internal:8080/ws,ws://crossbar2.internal:8080/ws');
  });

  it('gives every shop service (authid = service name) a role that may use the meta API pool delivery needs', () => {
    const principals = crossbar.workers[0].transports[0].websocket.ws.auth.ticket.principals;
    expect(Object.keys(principals).sort()).toEqual(['inventory', 'notifications', 'orders', 'payments']);
    const service = crossbar.workers[0].realms[0].roles.find((r) => r.name === principals.orders.role)!;
    // A prefix permission on "" covers every URI, wamp.registration.* included.
    expect(service.permissions).toContainEqual(expect.objectContaining({ uri: '', match: 'prefix' }));
  });
});

/** examples/shop/deploy/hosts: the router host's router.yaml and the service hosts' config. */
describe('the many-machines example', () => {
  const hosts = join(__dirname, '..', '..', 'examples', 'shop', 'deploy', 'hosts');
  const tls = join(__dirname, '..', 'fixtures', 'tls');
  const routerFile = readYamlFile(join(hosts, 'router.yaml')).value as RouterOptions;
  const shop = [InventoryService, NotificationsService, OrdersService, PaymentsService].map(
    readServiceDefinition,
  );
  const withoutKeys = (options: RouterOptions) =>
    JSON.parse(JSON.stringify(options.realms), (key, value: unknown) =>
      key === 'authorizedKeys' ? undefined : value,
    ) as unknown;
  let work: string;
  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'wservice-hosts-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  afterEach(killStarted);

  it("has the realm, keys and roles `wservice keys` writes for the shop's services, listening with TLS beyond loopback", () => {
    const written = serviceRouterOptions(
      'shop',
      shop,
      new Map(shop.map((d) => [d.name, publicKeyHex(generateSeed())])),
    );
    expect(withoutKeys(validateRouterOptions(routerFile))).toEqual(withoutKeys(written));
    expect(routerFile.listeners).toEqual([
      expect.objectContaining({
        type: 'websocket',
        host: '0.0.0.0',
        tls: expect.objectContaining({ cert: expect.any(String) }),
      }),
    ]);
  });

  it('serves the services of another machine over TLS, each signed in with its key', async () => {
    // The router host: the file as it is, with this test's certificate, a free port and new keys.
    const seeds = new Map(shop.map((d) => [d.name, generateSeed()]));
    const options = structuredClone(routerFile);
    options.listeners = options.listeners!.map((l) => ({
      ...l,
      port: 0,
      tls: { cert: join(tls, 'server.crt'), key: join(tls, 'server.key') },
    }));
    const principals = options.realms![0].auth!.cryptosign!.principals!;
    for (const [name, seed] of seeds) principals[name].authorizedKeys = [publicKeyHex(seed)];
    writeFileSync(join(work, 'router.yaml'), stringify(options));
    const router = startCli(['router', '--config', join(work, 'router.yaml'), '--host', '127.0.0.1']);
    await router.waitFor('stdout', 'Ctrl-C to stop');
    const port = /wss:\/\/127\.0\.0\.1:(\d+)\/ws/.exec(router.stdout())![1];
    // A service host: the config as it is; the router's address and the keys from the environment.
    const url = `wss://localhost:${port}/ws`;
    const keys = Object.fromEntries(
      [...seeds].map(([name, seed]) => [`WSERVICE_${name.toUpperCase()}_PRIVATE_KEY`, seed]),
    );
    const services = startCli(
      ['run', 'examples/shop/services', '--config', join(hosts, 'wservice.config.yaml')],
      {
        env: { WSERVICE_ROUTER: url, WSERVICE_ROUTER_CA: join(tls, 'ca.crt'), ...keys },
      },
    );
    await services.waitFor('stdout', 'Ctrl-C to stop');
    expect(services.stdout()).toContain('notifications x2');
    const placed = await runCli([
      'call',
      'orders.place',
      'pear',
      '--router',
      url,
      '--realm',
      'shop',
      '--tls-ca',
      join(tls, 'ca.crt'),
    ]);
    expect(placed).toMatchObject({ code: 0, stdout: expect.stringContaining('"sku": "pear"') });
    services.child.kill('SIGTERM');
    expect(await services.exited).toBe(0);
    router.child.kill('SIGTERM');
    expect(await router.exited).toBe(0);
  }, 60_000);
});
