import 'reflect-metadata';
import { Rpc, Service, Subscribe, Timer } from '../../src/service/decorators';
import { readServiceDefinition, ServiceDefinitionError } from '../../src/service/metadata';

describe('readServiceDefinition', () => {
  it('reads a service with every entrypoint kind, defaults filled in', () => {
    @Service('greeter')
    class Greeter {
      @Rpc()
      hello(name: string, times = 1): string {
        return `${name}${times}`;
      }
      @Rpc('greeter.v2.hello', { invoke: 'random', timeout: 500 })
      hello2(name: string): string {
        return name;
      }
      @Subscribe('users.created', { delivery: 'pool' })
      onUser(_user: { name: string }): void {}
      @Timer(1000, { eager: true })
      tick(): void {}
    }
    const def = readServiceDefinition(Greeter);
    expect(def.name).toBe('greeter');
    expect(def.options).toEqual({
      maxConcurrency: 10,
      maxQueued: 100,
      stopTimeout: 10000,
      providers: [],
      coerce: false,
    });
    expect(def.contract.source).toBe('typescript');
    expect(def.rpcs).toEqual([
      {
        kind: 'rpc',
        method: 'hello',
        uri: 'greeter.hello',
        options: { invoke: 'roundrobin', match: 'exact', timeout: undefined },
        coerce: false,
        contract: def.contract.methods.hello,
        parameters: [
          { name: 'name', schema: { type: 'string' }, required: true, rest: false },
          { name: 'times', schema: { type: 'number' }, required: false, rest: false, default: '1' },
        ],
      },
      expect.objectContaining({
        uri: 'greeter.v2.hello',
        options: { invoke: 'random', match: 'exact', timeout: 500 },
      }),
    ]);
    expect(def.subscriptions[0]).toMatchObject({
      topic: 'users.created',
      options: { match: 'exact', delivery: 'pool' },
      parameters: [
        {
          name: '_user',
          schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          required: true,
          rest: false,
        },
      ],
    });
    expect(def.timers[0]).toMatchObject({ method: 'tick', interval: 1000, options: { eager: true } });
  });

  it('inherits entrypoints from a base class', () => {
    class Base {
      @Rpc()
      ping(): string {
        return 'pong';
      }
    }
    @Service('child')
    class Child extends Base {
      @Rpc()
      other(): void {}
    }
    expect(readServiceDefinition(Child).rpcs.map((r) => r.uri)).toEqual(['child.ping', 'child.other']);
  });

  it('refuses a class without @Service, naming it', () => {
    class Plain {}
    expect(() => readServiceDefinition(Plain)).toThrow(
      new ServiceDefinitionError("Plain is not a service: decorate it with @Service('name')"),
    );
  });

  it('refuses two @Rpc with one URI, naming both methods', () => {
    @Service('dup')
    class Dup {
      @Rpc('dup.x')
      a(): void {}
      @Rpc('dup.x')
      b(): void {}
    }
    expect(() => readServiceDefinition(Dup)).toThrow('Dup: a and b declare the same procedure (dup.x)');
  });

  it('refuses an invalid or reserved URI, naming class and method', () => {
    @Service('bad')
    class Bad {
      @Rpc('has space')
      m(): void {}
    }
    expect(() => readServiceDefinition(Bad)).toThrow('Bad.m: @Rpc URI "has space" is not a valid exact URI');
    @Service('bad2')
    class Bad2 {
      @Rpc('wamp.session.count')
      m(): void {}
    }
    expect(() => readServiceDefinition(Bad2)).toThrow(
      "Bad2.m: @Rpc URI wamp.session.count is in the reserved 'wamp.' namespace",
    );
  });

  it('takes @Subscribe on a meta topic, broadcast only', () => {
    @Service('watcher')
    class Watcher {
      @Subscribe('wamp.session.on_join')
      joined(): void {}
    }
    expect(readServiceDefinition(Watcher).subscriptions[0]).toMatchObject({
      kind: 'subscribe',
      topic: 'wamp.session.on_join',
      options: { delivery: 'broadcast' },
    });
    @Service('pooled_watcher')
    class PooledWatcher {
      @Subscribe('wamp.session.on_leave', { delivery: 'pool' })
      left(): void {}
    }
    expect(() => readServiceDefinition(PooledWatcher)).toThrow(
      "PooledWatcher.left: @Subscribe delivery 'pool' cannot apply to the router's meta topic wamp.session.on_leave (only 'broadcast' does)",
    );
  });

  it('refuses a missing or invalid service name and bad options', () => {
    @Service('')
    class NoName {}
    expect(() => readServiceDefinition(NoName)).toThrow(
      'NoName: @Service needs a name that is a valid URI (like \'orders\'), got ""',
    );
    @Service('x', { maxConcurrency: 0 })
    class ZeroWorkers {}
    expect(() => readServiceDefinition(ZeroWorkers)).toThrow(
      'ZeroWorkers maxConcurrency must be a positive integer, got 0',
    );
    @Service('t')
    class BadTimer {
      @Timer(-5)
      t(): void {}
    }
    expect(() => readServiceDefinition(BadTimer)).toThrow(
      'BadTimer.t @Timer interval must be a positive integer, got -5',
    );
  });

  it('refuses a delivery it does not know, naming the ones it does', () => {
    @Service('p')
    class Unknown {
      @Subscribe('a', { delivery: 'fanout' as never })
      m(): void {}
    }
    expect(() => readServiceDefinition(Unknown)).toThrow(
      `Unknown.m: @Subscribe delivery "fanout" is not one of 'broadcast', 'pool', 'singleton'`,
    );
  });

  it('refuses singleton delivery with a pattern', () => {
    @Service('p')
    class SingletonPattern {
      @Subscribe('a', { match: 'wildcard', delivery: 'singleton' })
      m(): void {}
    }
    expect(() => readServiceDefinition(SingletonPattern)).toThrow(
      "SingletonPattern.m: @Subscribe delivery 'singleton' needs match 'exact'",
    );
  });

  it('refuses pool delivery with a pattern', () => {
    @Service('p')
    class PoolPattern {
      @Subscribe('a', { match: 'prefix', delivery: 'pool' })
      m(): void {}
    }
    expect(() => readServiceDefinition(PoolPattern)).toThrow(
      "PoolPattern.m: @Subscribe delivery 'pool' needs match 'exact'",
    );
  });
});
