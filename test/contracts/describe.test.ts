import Ajv2020 from 'ajv/dist/2020';
import { connect, Rpc, Service, ServiceRunner, Subscribe, Timer, type Client } from '../../src';
import type { ServiceDescription } from '../../src/contracts/describe';
import { runServices, startTestRouter, type TestSystem } from '../../src/testing';
import { capturingLogger } from '../helpers/capturing-logger';
import { callFromPython } from '../helpers/autobahn-python';

/** Every peer can learn what a service offers: its contract as JSON Schema 2020-12. */

interface Line {
  sku: string;
  qty: number;
}

interface Category {
  name: string;
  parent?: Category;
}

/** Takes and lists orders. */
@Service('shop')
class Shop {
  /**
   * Places an order.
   * @param lines - what to buy
   * @param express - ship today
   */
  @Rpc()
  place(lines: Line[], express = false): { id: string; total: number } {
    return { id: 'o1', total: lines.length + (express ? 1 : 0) };
  }

  @Rpc()
  file(category: Category): string {
    return category.name;
  }

  @Subscribe('shop.restocked')
  restocked(sku: string, qty: number): void {
    void [sku, qty];
  }

  @Timer(60_000)
  sweep(): void {}
}

@Service('ping')
class Ping {
  @Rpc()
  ping(): string {
    return 'pong';
  }
}

let system: TestSystem;
let client: Client;

beforeAll(async () => {
  system = await runServices([Shop, Ping]);
  client = await connect({ url: system.url, realm: system.realm, reconnect: false });
});
afterAll(async () => {
  await client?.close();
  await system?.stop();
});

const describe$ = async (procedure: string, args: unknown[] = []) =>
  (await client.call(procedure, args)) as ServiceDescription;

/** Every schema in a description, by where it is. */
function schemasOf(d: ServiceDescription): [string, unknown][] {
  return [
    ...Object.entries(d.procedures).flatMap(([uri, p]) => [
      [`${uri} args`, p.args],
      [`${uri} kwargs`, p.kwargs],
      [`${uri} result`, p.result],
    ]),
    ...Object.entries(d.topics).flatMap(([topic, t]) => [
      [`${topic} args`, t.args],
      [`${topic} kwargs`, t.kwargs],
    ]),
  ] as [string, unknown][];
}

describe('describe procedures', () => {
  it('<service>.describe answers its procedures, topics and timers with doc comments', async () => {
    const d = await describe$('shop.describe');
    expect(d.service).toBe('shop');
    expect(d.description).toBe('Takes and lists orders.');
    expect(d.source).toBe('typescript');
    const place = d.procedures['shop.place'];
    expect(place.description).toBe('Places an order.');
    expect(place.args).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [
        {
          title: 'lines',
          description: 'what to buy',
          type: 'array',
          items: {
            'x-typescript': 'Line',
            type: 'object',
            properties: { sku: { type: 'string' }, qty: { type: 'number' } },
            required: ['sku', 'qty'],
          },
        },
        { title: 'express', description: 'ship today', type: 'boolean' },
      ],
      items: false,
      minItems: 1,
    });
    expect(place.kwargs).toMatchObject({ type: 'object', required: ['lines'], additionalProperties: false });
    expect(place.result).toMatchObject({ type: 'object', required: ['id', 'total'] });
    expect(place.parameters.map((p) => [p.name, p.required, p.default])).toEqual([
      ['lines', true, undefined],
      ['express', false, 'false'],
    ]);
    expect(d.topics['shop.restocked'].parameters.map((p) => p.name)).toEqual(['sku', 'qty']);
    expect(d.timers).toEqual([{ method: 'sweep', interval: 60000 }]);
    // A recursive type refers to $defs that travel with the schema.
    expect(d.procedures['shop.file'].args).toMatchObject({ $defs: { Category: expect.any(Object) } });
  });

  it('wservice.describe answers for every service on the router, or for one', async () => {
    const all = (await client.call('wservice.describe')) as {
      services: Record<string, ServiceDescription>;
    };
    expect(Object.keys(all.services)).toEqual(['ping', 'shop']);
    expect(all.services.ping.procedures['ping.ping'].result).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'string',
    });
    expect((await describe$('wservice.describe', ['shop'])).service).toBe('shop');
  });

  it('every schema validates against the JSON Schema 2020-12 meta-schema', async () => {
    const ajv = new Ajv2020({ strict: false });
    const d = await describe$('shop.describe');
    const checked = schemasOf(d).map(([where, schema]) => [
      where,
      ajv.validateSchema(schema as object),
      ajv.errors,
    ]);
    expect(checked).toEqual(schemasOf(d).map(([where]) => [where, true, null]));
    // And they say what the service enforces: a value the args schema refuses, the service refuses.
    const args = ajv.compile(d.procedures['shop.place'].args as object);
    expect(args([[{ sku: 'a', qty: 1 }]])).toBe(true);
    expect(args([[{ sku: 'a', qty: '1' }]])).toBe(false);
  });

  it('is readable from autobahn-python', async () => {
    const [result] = await callFromPython(system.url, system.realm, [
      { procedure: 'wservice.describe', args: ['ping'] },
    ]);
    expect(result).toMatchObject({
      ok: { service: 'ping', procedures: { 'ping.ping': { method: 'ping' } } },
    });
  });
});

describe('describe procedures on a standalone router in its default mode', () => {
  it('an anonymous service still serves and describes itself, and says once why wservice.describe is not its', async () => {
    const router = await startTestRouter();
    const { logger, lines } = capturingLogger('warn');
    const runner = await ServiceRunner.start({
      services: [Ping],
      router: router.url,
      reconnect: false,
      logger,
    });
    const caller = await connect({ url: router.url, reconnect: false });
    try {
      expect(await caller.call('ping.ping')).toBe('pong');
      expect((await caller.call('ping.describe')) as ServiceDescription).toMatchObject({ service: 'ping' });
      await expect(caller.call('wservice.describe')).rejects.toMatchObject({
        uri: 'wamp.error.no_such_procedure',
      });
      expect(lines.map((l) => [l.procedure, l.msg])).toEqual(
        ['wservice.describe.ping', 'wservice.describe'].map((procedure) => [
          procedure,
          `could not publish ${procedure}: wamp.error.not_authorized: role "anonymous" may not register "${procedure}"` +
            ' (the session needs a role that may register it: `wservice keys`, docs/router.md "Service ownership")',
        ]),
      );
    } finally {
      await caller.close();
      await runner.stop();
      await router.stop();
    }
  });
});
