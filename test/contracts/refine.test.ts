import { z } from 'zod';
import { connect, RemoteError, Rpc, Service, ServiceDefinitionError, type Client } from '../../src';
import type { ServiceDescription } from '../../src/contracts/describe';
import { readServiceDefinition } from '../../src/service/metadata';
import { runServices, type TestSystem } from '../../src/testing';
import { SignupsService } from '../../docs/snippets/contracts';
import { callFromPython } from '../helpers/autobahn-python';
import { until } from '../helpers/until';

/**
 * A Standard Schema validator (zod here; valibot, arktype... the same) refines a parameter
 * where TypeScript cannot say the rule: checked after the contract's types, on every call
 * and event, refused with wamp.error.invalid_argument naming the path and the validator's
 * message; its output is what the method gets.
 */

const taken = new Set(['ada']);

@Service('accounts')
class Accounts {
  @Rpc({
    refine: {
      // An asynchronous rule: the call waits for it.
      handle: z.string().refine(async (h) => !taken.has(h), { message: 'is taken' }),
      tags: z.array(z.string().max(3)),
      order: z.object({ items: z.array(z.object({ qty: z.number().positive() })) }),
    },
  })
  open(handle: string, order: { items: { qty: number }[] }, ...tags: string[]): string {
    return `${handle} ${order.items.length} ${tags.join(',')}`;
  }
}

let system: TestSystem;
let client: Client;

beforeAll(async () => {
  system = await runServices([SignupsService, Accounts]);
  client = await connect({ url: system.url, realm: system.realm, reconnect: false });
});
afterAll(async () => {
  await client?.close();
  await system?.stop();
});

async function refusal(procedure: string, args: unknown[]) {
  const err = await client.call(procedure, args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemoteError);
  expect((err as RemoteError).uri).toBe('wamp.error.invalid_argument');
  return { message: (err as RemoteError).args[0], kwargs: (err as RemoteError).kwargs };
}

describe('a Standard Schema validator per parameter', () => {
  it('accepts what it accepts, and the method gets its output', async () => {
    expect(await client.call('signups.register', ['ada@example.org', 2, '  Ada '])).toBe(
      'Ada <ada@example.org>: 2 seats',
    );
  });

  it('refuses with the path and its message, after the type check', async () => {
    expect(await refusal('signups.register', ['ada@example.org', 0, 'Ada'])).toEqual({
      message: 'register() seats: Too small: expected number to be >=1',
      kwargs: {
        method: 'register',
        parameter: 'seats',
        path: 'seats',
        expected: 'Too small: expected number to be >=1',
        got: 'number 0',
      },
    });
    expect((await refusal('signups.register', ['ada', 1, 'Ada'])).message).toBe(
      'register() email: Invalid email address',
    );
    // The contract's own check comes first and says the type.
    expect((await refusal('signups.register', ['ada@example.org', '2', 'Ada'])).message).toBe(
      'register() seats: expected number, got string "2"',
    );
  });

  it('names the path inside a value, a rest parameter, and waits for an asynchronous rule', async () => {
    expect((await refusal('accounts.open', ['bob', { items: [{ qty: 1 }, { qty: -1 }] }])).message).toBe(
      'open() order.items[1].qty: Too small: expected number to be >0',
    );
    expect((await refusal('accounts.open', ['bob', { items: [] }, 'a', 'long'])).message).toBe(
      'open() tags[1]: Too big: expected string to have <=3 characters',
    );
    expect((await refusal('accounts.open', ['ada', { items: [] }])).message).toBe('open() handle: is taken');
    expect(await client.call('accounts.open', ['bob', { items: [{ qty: 2 }] }, 'x'])).toBe('bob 1 x');
  });

  it('holds for every caller: from autobahn-python, by keyword', async () => {
    const [refused, accepted] = await callFromPython(system.url, system.realm, [
      { procedure: 'signups.register', kwargs: { email: 'ada@example.org', seats: 51, name: 'Ada' } },
      { procedure: 'signups.register', kwargs: { email: 'ada@example.org', seats: 1, name: 'Ada' } },
    ]);
    expect(refused).toMatchObject({
      error: 'wamp.error.invalid_argument',
      args: ['register() seats: Too big: expected number to be <=50'],
    });
    expect(accepted).toEqual({ ok: 'Ada <ada@example.org>: 1 seat' });
  });

  it('keeps an event that breaks the rule from its handler', async () => {
    const signups = system.container('signups').instance as SignupsService;
    await client.publish('signups.confirmed', ['not an email'], {}, { acknowledge: true });
    await client.publish('signups.confirmed', ['ada@example.org'], {}, { acknowledge: true });
    await until(() => signups.welcomed.length > 0);
    expect(signups.welcomed).toEqual(['ada@example.org']);
  });

  it('is published: the parameter says which validator refines it', async () => {
    const d = (await client.call('signups.describe')) as ServiceDescription;
    expect(d.procedures['signups.register'].parameters.map((p) => [p.name, p.refined])).toEqual([
      ['email', 'zod'],
      ['seats', 'zod'],
      ['name', 'zod'],
    ]);
  });

  it('names no parameter, or is no Standard Schema: a definition error at start', () => {
    @Service('typo')
    class Typo {
      @Rpc({ refine: { qty: z.number() } })
      add(quantity: number): number {
        return quantity;
      }
    }
    expect(() => readServiceDefinition(Typo)).toThrow(
      new ServiceDefinitionError("Typo.add: refine names no parameter 'qty' (parameters: quantity)"),
    );
    @Service('plain')
    class Plain {
      @Rpc({ refine: { quantity: ((q: number) => q > 0) as never } })
      add(quantity: number): number {
        return quantity;
      }
    }
    expect(() => readServiceDefinition(Plain)).toThrow(
      new ServiceDefinitionError(
        "Plain.add: refine.quantity is not a Standard Schema validator (zod, valibot, arktype...: it has no '~standard' with version 1)",
      ),
    );
  });
});
