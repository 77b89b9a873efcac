import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src';

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
    expect(config.router.url).toBe('ws://crossbar.internal:8080/ws');
  });

  it('gives every shop service (authid = service name) a role that may use the meta API pool delivery needs', () => {
    const principals = crossbar.workers[0].transports[0].websocket.ws.auth.ticket.principals;
    expect(Object.keys(principals).sort()).toEqual(['inventory', 'notifications', 'orders', 'payments']);
    const service = crossbar.workers[0].realms[0].roles.find((r) => r.name === principals.orders.role)!;
    // A prefix permission on "" covers every URI, wamp.registration.* included.
    expect(service.permissions).toContainEqual(expect.objectContaining({ uri: '', match: 'prefix' }));
  });
});
