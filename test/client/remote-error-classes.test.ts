import { Rpc, Service } from '../../src';
import { connect, type Client } from '../../src/client/connect';
import { RemoteError, WampError } from '../../src/protocol/errors';
import { runServices, type TestSystem } from '../../src/testing';
import { RemoteErrorClass, reviveRemoteError } from '../../src/client/remote-error-classes';

@RemoteErrorClass('test.error.declined')
class Declined extends WampError {
  constructor(reason: string) {
    super('test.error.declined', [reason]);
  }
}

describe('service errors', () => {
  it('re-creates a registered error class on the caller side', () => {
    const revived = reviveRemoteError(new RemoteError('test.error.declined', ['no funds'], { k: 1 }));
    expect(revived).toBeInstanceOf(Declined);
    expect(revived).toBeInstanceOf(WampError);
    expect(revived.name).toBe('Declined');
    expect(revived.uri).toBe('test.error.declined');
    expect(revived.args).toEqual(['no funds']);
    expect(revived.kwargs).toEqual({ k: 1 });
    expect(revived.message).toBe('test.error.declined: no funds');
    const other = new RemoteError('test.error.other');
    expect(reviveRemoteError(other)).toBe(other);
  });
});

@RemoteErrorClass('vault.error.locked')
class Locked extends WampError {
  constructor(door: string) {
    super('vault.error.locked', [`${door} is locked`], { door });
  }
}

@Service('vault')
class Vault {
  @Rpc()
  open(door: string): never {
    throw new Locked(door);
  }

  @Rpc()
  plain(): never {
    throw new WampError('vault.error.unregistered', ['no class for this one']);
  }
}

describe('registered error classes through every client (loopback)', () => {
  let system: TestSystem;
  let client: Client;
  beforeAll(async () => {
    system = await runServices([Vault], { inProcess: false });
    client = await connect({ url: system.url, reconnect: false });
  });
  afterAll(async () => {
    await client?.close();
    await system?.stop();
  });

  it('client.call and client.proxy give the registered class, with procedure and request id', async () => {
    for (const caller of [client, system.client]) {
      const called = await caller.call('vault.open', ['front']).catch((e: unknown) => e);
      expect(called).toBeInstanceOf(Locked);
      expect(called).toMatchObject({
        uri: 'vault.error.locked',
        args: ['front is locked'],
        kwargs: { door: 'front' },
        procedure: 'vault.open',
        requestId: expect.any(Number) as number,
      });
      const proxied = await caller
        .proxy<Vault>('vault')
        .open('back')
        .catch((e: unknown) => e);
      expect(proxied).toBeInstanceOf(Locked);
      expect(proxied).toMatchObject({ kwargs: { door: 'back' }, procedure: 'vault.open' });
    }
  });

  it('an unregistered URI stays a RemoteError carrying procedure and request id', async () => {
    const first = (await client.call('vault.plain').catch((e: unknown) => e)) as RemoteError;
    const second = (await client.call('vault.plain').catch((e: unknown) => e)) as RemoteError;
    expect(first).toBeInstanceOf(RemoteError);
    expect(first).toMatchObject({ uri: 'vault.error.unregistered', procedure: 'vault.plain' });
    expect(second.requestId).toBeGreaterThan(first.requestId!);
  });
});
