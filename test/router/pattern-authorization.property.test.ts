import fc from 'fast-check';
import { MessageType as M, type Dict, type MatchPolicy } from '../../src/protocol';
import type { PermissionOptions, RoleOptions, Router } from '../../src/router';
import { Authorizer } from '../../src/router/authorizer';
import { createInProcessPair, type Transport } from '../../src/transport';
import { ALL_CLIENT_ROLES } from './helpers/peer';
import { startRouter } from './helpers/router';

/** A small URI universe, so that generated rules, patterns and URIs overlap often. */
const COMPONENTS = ['a', 'b', 'c'];
const concreteUri = fc
  .array(fc.constantFrom(...COMPONENTS), { minLength: 1, maxLength: 3 })
  .map((p) => p.join('.'));
const ALL_URIS = (() => {
  const uris: string[] = [];
  const grow = (prefix: string[]) => {
    for (const c of COMPONENTS) {
      const parts = [...prefix, c];
      uris.push(parts.join('.'));
      if (parts.length < 3) grow(parts);
    }
  };
  grow([]);
  return uris;
})();

/** A pattern and its match policy: exact URIs, prefixes (also mid-component), wildcards. */
const pattern: fc.Arbitrary<{ uri: string; match: MatchPolicy }> = fc.oneof(
  concreteUri.map((uri) => ({ uri, match: 'exact' as const })),
  fc
    .tuple(concreteUri, fc.constantFrom('', '.'))
    .map(([uri, tail]) => ({ uri: uri + tail, match: 'prefix' as const })),
  fc.constant({ uri: '', match: 'prefix' as const }),
  fc
    .array(fc.constantFrom('', ...COMPONENTS), { minLength: 1, maxLength: 3 })
    .filter((parts) => parts.includes(''))
    .map((parts) => ({ uri: parts.join('.'), match: 'wildcard' as const })),
);

const rule: fc.Arbitrary<PermissionOptions> = fc
  .tuple(pattern, fc.boolean(), fc.boolean())
  .map(([{ uri, match }, subscribe, register]) => ({
    uri,
    match,
    allow: { subscribe, register, call: true },
  }));

const ROLE_NAMES = ['r0', 'r1', 'r2'];
/** The one who publishes and calls every URI: it may do everything. */
const DRIVER: RoleOptions = {
  name: 'driver',
  permissions: [{ uri: '', match: 'prefix', allow: { call: true, publish: true } }],
};

const roles: fc.Arbitrary<RoleOptions[]> = fc
  .tuple(...ROLE_NAMES.map(() => fc.array(rule, { maxLength: 5 })))
  .map((rules) => ROLE_NAMES.map((name, i) => ({ name, permissions: rules[i] })));

interface SessionPlan {
  role: string;
  subscriptions: { uri: string; match: MatchPolicy }[];
  registrations: { uri: string; match: MatchPolicy; invoke: 'single' | 'roundrobin' }[];
}

const session: fc.Arbitrary<SessionPlan> = fc.record({
  role: fc.constantFrom(...ROLE_NAMES),
  subscriptions: fc.array(pattern, { maxLength: 4 }),
  registrations: fc.array(
    fc
      .tuple(pattern, fc.constantFrom('single' as const, 'roundrobin' as const))
      .map(([p, invoke]) => ({ ...p, invoke })),
    { maxLength: 4 },
  ),
});

/**
 * An in-process peer that answers every INVOCATION at once and remembers the URI of each
 * EVENT and INVOCATION it got (the concrete one from Details for patterns, else the one it
 * asked for).
 */
class Peer {
  readonly events: string[] = [];
  readonly invocations: string[] = [];
  private readonly waiting = new Map<number, (message: unknown[]) => void>();
  private readonly subscriptionUri = new Map<number, string>();
  private readonly registrationUri = new Map<number, string>();
  private request = 1;
  private readonly transport: Transport;

  constructor(router: Router) {
    const [client, server] = createInProcessPair();
    router.attach(server);
    this.transport = client;
    client.attach({ message: (frame) => this.receive(frame as unknown[]), close: () => undefined });
  }

  async join(authid: string): Promise<void> {
    const reply = this.reply(0);
    this.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'], authid }]);
    expect((await reply)[0]).toBe(M.CHALLENGE);
    const welcome = this.reply(0);
    this.send([M.AUTHENTICATE, authid, {}]);
    expect((await welcome)[0]).toBe(M.WELCOME);
  }

  /** Sends a request and waits for its answer (whatever it is). */
  async ask(message: (request: number) => unknown[]): Promise<unknown[]> {
    const request = this.request++;
    const reply = this.reply(request);
    this.send(message(request));
    return reply;
  }

  async subscribe(uri: string, match: MatchPolicy): Promise<void> {
    const reply = await this.ask((r) => [M.SUBSCRIBE, r, { match }, uri]);
    if (reply[0] === M.SUBSCRIBED) this.subscriptionUri.set(reply[2] as number, uri);
  }

  async register(uri: string, match: MatchPolicy, invoke: string): Promise<void> {
    const reply = await this.ask((r) => [M.REGISTER, r, { match, invoke }, uri]);
    if (reply[0] === M.REGISTERED) this.registrationUri.set(reply[2] as number, uri);
  }

  private reply(request: number): Promise<unknown[]> {
    return new Promise((resolve) => this.waiting.set(request, resolve));
  }

  private send(message: unknown[]): void {
    this.transport.send(message);
  }

  private receive(message: unknown[]): void {
    switch (message[0]) {
      case M.EVENT: {
        const details = message[3] as Dict;
        this.events.push(
          (details.topic as string | undefined) ?? this.subscriptionUri.get(message[1] as number)!,
        );
        return;
      }
      case M.INVOCATION: {
        const details = message[3] as Dict;
        this.invocations.push(
          (details.procedure as string | undefined) ?? this.registrationUri.get(message[2] as number)!,
        );
        this.send([M.YIELD, message[1], {}, []]);
        return;
      }
      case M.CHALLENGE:
      case M.WELCOME:
      case M.ABORT:
        return this.settle(0, message);
      case M.ERROR:
        return this.settle(message[2] as number, message);
      default:
        return this.settle(message[1] as number, message);
    }
  }

  private settle(request: number, message: unknown[]): void {
    const resolve = this.waiting.get(request);
    this.waiting.delete(request);
    resolve?.(message);
  }
}

describe('authorization holds for patterns (property)', () => {
  it('never delivers an EVENT or INVOCATION its receiver could not subscribe to or register by exact URI', async () => {
    let delivered = 0;
    await fc.assert(
      fc.asyncProperty(
        roles,
        fc.array(session, { minLength: 1, maxLength: 4 }),
        async (realmRoles, plans) => {
          const principals: Record<string, { ticket: string; role: string }> = {
            driver: { ticket: 'driver', role: 'driver' },
          };
          plans.forEach((plan, i) => (principals[`s${i}`] = { ticket: `s${i}`, role: plan.role }));
          const router = await startRouter({
            realms: [{ name: 'realm1', roles: [...realmRoles, DRIVER] }],
            auth: { ticket: { principals } },
          });
          try {
            const peers = await Promise.all(
              plans.map(async (plan, i) => {
                const peer = new Peer(router);
                await peer.join(`s${i}`);
                for (const s of plan.subscriptions) await peer.subscribe(s.uri, s.match);
                for (const r of plan.registrations) await peer.register(r.uri, r.match, r.invoke);
                return peer;
              }),
            );
            const driver = new Peer(router);
            await driver.join('driver');
            for (const uri of ALL_URIS) {
              expect((await driver.ask((r) => [M.PUBLISH, r, { acknowledge: true }, uri]))[0]).toBe(
                M.PUBLISHED,
              );
              // RESULT or no_such_procedure; every callee answers at once.
              await driver.ask((r) => [M.CALL, r, {}, uri]);
            }
            // The EVENTs were sent before each PUBLISHED, the INVOCATIONs answered: all are in.
            const oracle = new Authorizer(realmRoles);
            delivered += peers.reduce((n, p) => n + p.events.length + p.invocations.length, 0);
            plans.forEach((plan, i) => {
              for (const topic of peers[i].events)
                expect([topic, oracle.allows(plan.role, 'subscribe', topic)]).toEqual([topic, true]);
              for (const procedure of peers[i].invocations)
                expect([procedure, oracle.allows(plan.role, 'register', procedure)]).toEqual([
                  procedure,
                  true,
                ]);
            });
          } finally {
            await router.stop();
          }
        },
      ),
      { numRuns: 100 },
    );
    // The runs did deliver: the property was not checked on empty inboxes only.
    expect(delivered).toBeGreaterThan(100);
  }, 120_000);
});
