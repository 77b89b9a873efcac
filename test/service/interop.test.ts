import autobahn from 'autobahn';
import { Rpc, Service, WampError } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';

@Service('calc')
class Calc {
  @Rpc()
  add(a: number, b: number = 0): number {
    return a + b;
  }

  @Rpc()
  greet(name: string, punctuation = '!'): string {
    return `Hello ${name}${punctuation}`;
  }

  @Rpc()
  divide(a: number, b: number): number {
    if (b === 0) throw new WampError('calc.error.division_by_zero', ['cannot divide by zero'], { a });
    return a / b;
  }

  @Rpc()
  crash(): never {
    throw new RangeError('internal detail');
  }
}

function openAutobahn(
  url: string,
  realm: string,
): Promise<{ session: autobahn.Session; connection: autobahn.Connection }> {
  const connection = new autobahn.Connection({ url, realm, max_retries: 0 } as autobahn.IConnectionOptions);
  return new Promise((resolve, reject) => {
    connection.onopen = (session) => resolve({ session, connection });
    connection.onclose = (reason) => {
      reject(new Error(`autobahn could not connect: ${reason}`));
      return true;
    };
    connection.open();
  });
}

async function callError(session: autobahn.Session, procedure: string, args?: unknown[], kwargs?: object) {
  try {
    await session.call(procedure, args, kwargs);
  } catch (e) {
    return e as autobahn.Error;
  }
  throw new Error(`${procedure} did not fail`);
}

describe('a wservice service called by autobahn-js', () => {
  let system: TestSystem;
  let session: autobahn.Session;
  let connection: autobahn.Connection;
  beforeAll(async () => {
    system = await runServices([Calc]);
    ({ session, connection } = await openAutobahn(system.url, system.realm));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      connection.onclose = () => {
        resolve();
        return true;
      };
      connection.close();
    });
    await system?.stop();
  });

  it('accepts positional arguments', async () => {
    expect(await session.call('calc.add', [2, 3])).toBe(5);
  });

  it('accepts keyword arguments, mapped by parameter name, and a mix of both', async () => {
    expect(await session.call('calc.add', [], { b: 4, a: 1 })).toBe(5);
    expect(await session.call('calc.greet', ['Ada'], { punctuation: '?' })).toBe('Hello Ada?');
    expect(await session.call('calc.greet', [], { name: 'Grace' })).toBe('Hello Grace!');
  });

  it('answers with the service error URI, args and kwargs', async () => {
    const error = await callError(session, 'calc.divide', [1, 0]);
    expect(error.error).toBe('calc.error.division_by_zero');
    expect(error.args).toEqual(['cannot divide by zero']);
    expect(error.kwargs).toEqual({ a: 1 });
  });

  it('answers a wrong argument with wamp.error.invalid_argument naming the parameter', async () => {
    const wrongType = await callError(session, 'calc.add', [1, 'two']);
    expect(wrongType.error).toBe('wamp.error.invalid_argument');
    expect(wrongType.args).toEqual(['add() b: expected number, got string "two"']);
    const unknown = await callError(session, 'calc.add', [1], { c: 2 });
    expect(unknown.error).toBe('wamp.error.invalid_argument');
    expect(unknown.kwargs).toEqual({ method: 'add', parameter: 'c' });
  });

  it('answers any other exception with wservice.error.application, name and message, no stack', async () => {
    const error = await callError(session, 'calc.crash');
    expect(error.error).toBe('wservice.error.application');
    expect(error.args).toEqual(['internal detail']);
    expect(error.kwargs).toEqual({ name: 'RangeError', message: 'internal detail' });
  });
});
