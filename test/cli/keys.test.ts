import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { connect, type Client } from '../../src';
import { publicKeyHex } from '../../src/protocol/auth/cryptosign';
import { MessageType as M, serializerByName } from '../../src/protocol';
import type { RouterOptions } from '../../src/router';
import { connectWebSocket } from '../../src/transport';
import { ALL_CLIENT_ROLES, ScriptedPeer } from '../router/helpers/peer';
import { assertBuilt, killStarted, ROOT, runCli, startCli, type Running } from './helpers/cli';

/**
 * Per-service credentials on a standalone router, as a user sets them up: `wservice keys`
 * over the shop's services, `wservice router --config router.yaml`, `wservice run --router`
 * (each service signs in with its own key), then the issue's attacker, a raw anonymous
 * client, tries to take the services' procedures.
 */

const SHOP = join(ROOT, 'examples/shop/services');
const SERVICES = ['inventory', 'notifications', 'orders', 'payments'];
let work: string;

beforeAll(() => {
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'wservice-keys-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const routerConfig = () => parse(readFileSync(join(work, 'router.yaml'), 'utf8')) as RouterOptions;
const key = (service: string) => readFileSync(join(work, 'credentials', `${service}.key`), 'utf8').trim();

describe('wservice keys', () => {
  it('creates a key per service (owner-only, git-ignored) and a router config with their public keys', async () => {
    const result = await runCli(['keys', SHOP], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [...SERVICES.map((s) => `created credentials/${s}.key`), 'wrote router.yaml', ''].join('\n'),
    );
    for (const s of SERVICES) {
      expect(key(s)).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(join(work, 'credentials', `${s}.key`)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(work, 'credentials/.gitignore'), 'utf8')).toBe('*\n');
    const realm = routerConfig().realms![0];
    expect(realm.name).toBe('realm1');
    expect(realm.auth?.anonymous).toEqual({ role: 'anonymous' });
    for (const s of SERVICES)
      expect(realm.auth?.cryptosign?.principals?.[s]).toEqual({
        authorizedKeys: [publicKeyHex(key(s))],
        role: s,
      });
    const orders = realm.roles!.find((r) => r.name === 'orders')!.permissions;
    expect(orders).toContainEqual({
      uri: 'orders.',
      match: 'prefix',
      allow: { call: true, register: true, subscribe: true, publish: true },
    });
    const notifications = realm.roles!.find((r) => r.name === 'notifications')!.permissions;
    expect(notifications).toContainEqual({
      uri: 'wservice.pool.orders.placed.notifications',
      match: 'exact',
      allow: { call: true, register: true },
    });
    const anonymous = realm.roles!.find((r) => r.name === 'anonymous')!.permissions;
    expect(anonymous.filter((p) => p.allow.register === true)).toEqual([]);
  });

  it('keeps the keys it made when run again', async () => {
    const before = SERVICES.map(key);
    const again = await runCli(['keys', SHOP], { cwd: work });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      [...SERVICES.map((s) => `kept credentials/${s}.key`), 'wrote router.yaml', ''].join('\n'),
    );
    expect(SERVICES.map(key)).toEqual(before);
  });
});

/** A raw WebSocket client, joined anonymously, as any local process could. */
async function attacker(url: string): Promise<ScriptedPeer> {
  const transport = await connectWebSocket(url, { serializers: [serializerByName('json')!] });
  return new ScriptedPeer(transport).hello('realm1', { roles: ALL_CLIENT_ROLES });
}

/** Sends a request and returns the router's answer to it. */
async function ask(peer: ScriptedPeer, message: (request: number) => unknown[]): Promise<unknown[]> {
  const request = peer.request();
  peer.send(message(request));
  for (;;) {
    const reply = await peer.next();
    if (reply[1] === request || (reply[0] === M.ERROR && reply[2] === request)) return reply;
  }
}

describe('wservice run --router against wservice router --config router.yaml', () => {
  let router: Running;
  let services: Running;
  let url: string;
  let client: Client;

  beforeAll(async () => {
    router = startCli(['router', '--config', 'router.yaml', '--port', '0'], { cwd: work });
    await router.waitFor('stdout', /ws:\/\/127\.0\.0\.1:\d+\/ws/);
    url = /ws:\/\/127\.0\.0\.1:\d+\/ws/.exec(router.stdout())![0];
    services = startCli(['run', SHOP, '--router', url], { cwd: work });
    await services.waitFor('stdout', 'Ctrl-C to stop');
    client = await connect({ url, realm: 'realm1', reconnect: false });
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    killStarted();
  });

  it('serves the shop to anonymous clients', async () => {
    expect(await client.call('orders.place', ['pear'])).toMatchObject({
      sku: 'pear',
      receipt: expect.anything(),
    });
  });

  it.each([
    ['orders.place', { invoke: 'roundrobin' }],
    ['orders.place', {}],
    ['payments.charge', { invoke: 'roundrobin' }],
    ['orders.', { match: 'prefix', invoke: 'roundrobin' }],
    ['o', { match: 'prefix' }],
    ['.place', { match: 'wildcard' }],
    ['wservice.pool.orders.placed.notifications', { invoke: 'roundrobin' }],
    ['wservice.pool.', { match: 'prefix' }],
    ['wservice.describe.orders', { invoke: 'roundrobin' }],
  ])('refuses an anonymous REGISTER %s %j, and the services keep every call', async (uri, options) => {
    const mallory = await attacker(url);
    const reply = await ask(mallory, (r) => [M.REGISTER, r, options, uri]);
    expect(reply.slice(0, 5)).toEqual([M.ERROR, M.REGISTER, reply[2], {}, 'wamp.error.not_authorized']);
    mallory.transport.close();
    for (let i = 0; i < 3; i++) {
      expect(await client.call('orders.get', ['none'])).toBeNull();
      // A count from the inventory service itself (its restock timer may have refilled figs).
      expect(await client.call('inventory.available', ['fig'])).toEqual(expect.any(Number));
    }
  });

  it('refuses the session meta API to anonymous clients', async () => {
    const mallory = await attacker(url);
    for (const procedure of ['wamp.session.list', 'wamp.session.kill_all']) {
      const reply = await ask(mallory, (r) => [M.CALL, r, {}, procedure, []]);
      expect(reply[4]).toBe('wamp.error.not_authorized');
    }
    mallory.transport.close();
  });

  it("lets a service's key register only what that service owns", async () => {
    const orders = await connect({
      url,
      realm: 'realm1',
      reconnect: false,
      authid: 'orders',
      privateKey: key('orders'),
    });
    await expect(orders.register('payments.charge', () => 'fake', { invoke: 'roundrobin' })).rejects.toThrow(
      /not_authorized/,
    );
    await expect(
      orders.register('wservice.pool.orders.placed.notifications', () => 'stolen', { invoke: 'roundrobin' }),
    ).rejects.toThrow(/not_authorized/);
    await orders.close();
  });

  it('refuses a session that claims a service without its key', async () => {
    const impostor = connect({
      url,
      realm: 'realm1',
      reconnect: false,
      authid: 'orders',
      privateKey: key('payments'),
    });
    await expect(impostor).rejects.toThrow(/authentication_failed/);
  });

  it('a service without its key cannot register: wservice run fails, naming the refusal', async () => {
    const keyless = await runCli(['run', join(SHOP, 'payments.service.ts'), '--router', url], { cwd: ROOT });
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/payments\.charge.*not_authorized|not_authorized.*payments\.charge/);
  });
});
