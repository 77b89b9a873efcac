import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompileError } from '../cli/loader';
import { NoServicesError, ServiceLoadError } from '../cli/discover';
import { RouterUnreachableError } from '../cli/router-flags';
import { ScaffoldError } from '../cli/scaffold';
import {
  CallCanceledError,
  CallTimeoutError,
  FeatureNotSupportedError,
  SessionClosedError,
} from '../src/client/errors';
import { ConfigError } from '../src/config/errors';
import { ErrorCode, WServiceError, WServiceErrorUri } from '../src/errors';
import { ProtocolError, RemoteError, WampError } from '../src/protocol/errors';
import { SerializationError } from '../src/protocol/serializer';
import { RouterOptionsError } from '../src/router/options-check';
import { RouterStateError } from '../src/router/state-error';
import { Rpc, Service, ServiceRunner } from '../src';
import { ServiceDefinitionError } from '../src/service/metadata';
import { RemoteErrorClass, reviveRemoteError } from '../src/client/remote-error-classes';
import {
  HookTimeoutError,
  ServiceLookupError,
  ServiceOptionsError,
  ServiceStateError,
} from '../src/service/runtime-errors';
import { runServices, type TestSystem } from '../src/testing';
import { PayloadSizeError, TransportError } from '../src/transport/transport';
import { classesExtending, sourceLiterals } from './helpers/source-literals';

/** One instance of every error class wservice defines, with the code it must carry. */
const CATALOGUE: [Error, string][] = [
  [new WampError('x.error.y'), ErrorCode.WAMP],
  [new RemoteError('x.error.y'), ErrorCode.REMOTE],
  [new SessionClosedError(WServiceErrorUri.CONNECTION_LOST), ErrorCode.SESSION_CLOSED],
  [
    new FeatureNotSupportedError('dealer', 'pattern_based_registration', "match: 'prefix'"),
    ErrorCode.FEATURE_NOT_SUPPORTED,
  ],
  [new CallCanceledError('x.y', 'kill'), ErrorCode.CALL_CANCELED],
  [new CallTimeoutError('x.y', 10), ErrorCode.CALL_TIMEOUT],
  [new ProtocolError('bad'), ErrorCode.PROTOCOL],
  [new SerializationError('bad'), ErrorCode.SERIALIZATION],
  [new PayloadSizeError(2, 1), ErrorCode.PAYLOAD_SIZE],
  [new TransportError('bad'), ErrorCode.TRANSPORT],
  [new ConfigError('bad'), ErrorCode.CONFIG],
  [new RouterOptionsError('realms', 'bad'), ErrorCode.ROUTER_OPTIONS],
  [new RouterStateError('listenOn() on a router that is stopping or stopped'), ErrorCode.ROUTER_STATE],
  [new ServiceDefinitionError('bad'), ErrorCode.SERVICE_DEFINITION],
  [new ServiceOptionsError('bad'), ErrorCode.SERVICE_OPTIONS],
  [new ServiceStateError('s', 'bad'), ErrorCode.SERVICE_STATE],
  [new ServiceLookupError('bad'), ErrorCode.SERVICE_LOOKUP],
  [new HookTimeoutError('s', 'onStop', 10), ErrorCode.HOOK_TIMEOUT],
  [new ScaffoldError('bad'), ErrorCode.SCAFFOLD],
  [new NoServicesError(['x']), ErrorCode.NO_SERVICES],
  [new ServiceLoadError('x.ts', 'bad'), ErrorCode.SERVICE_LOAD],
  [new CompileError('x.ts', 'bad'), ErrorCode.COMPILE],
  [new RouterUnreachableError('ws://x', 'realm1', new Error('bad')), ErrorCode.ROUTER_UNREACHABLE],
];

const root = path.resolve(__dirname, '..');

describe('the error catalogue', () => {
  it('gives every error class the one base and its own stable code', () => {
    for (const [error, code] of CATALOGUE) {
      expect(error).toBeInstanceOf(WServiceError);
      expect(error).toBeInstanceOf(Error);
      expect({ name: error.name, code: (error as WServiceError).code }).toEqual({
        name: error.constructor.name,
        code,
      });
    }
    expect(new Set(CATALOGUE.map(([, code]) => code)).size).toBe(CATALOGUE.length);
    expect(CATALOGUE.map(([, code]) => code).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('keeps the classes users catch as they were', () => {
    expect(new RemoteError('x.error.y')).toBeInstanceOf(WampError);
    expect(new SessionClosedError('x.error.y')).toBeInstanceOf(WampError);
    expect(new CallTimeoutError('x.y', 10)).toMatchObject({
      uri: 'wamp.error.timeout',
      name: 'CallTimeoutError',
    });
    // A TransportError's code still names its cause, as Node's system errors do.
    expect(new TransportError('refused', 'ECONNREFUSED').code).toBe('ECONNREFUSED');
  });

  it('revives a registered remote error class with the base and the remote code', () => {
    @RemoteErrorClass('catalogue.error.declined')
    class Declined extends WampError {}
    const revived = reviveRemoteError(new RemoteError('catalogue.error.declined', ['no']));
    expect(revived).toBeInstanceOf(Declined);
    expect(revived).toBeInstanceOf(WServiceError);
    expect(revived.code).toBe(ErrorCode.REMOTE);
  });

  it('has no error class outside it that extends Error directly', () => {
    const direct = classesExtending('Error', 'src', 'cli').map((c) => `${c.file}: ${c.value}`);
    expect(direct).toEqual(['src/errors.ts: WServiceError']);
  });

  it('defines every wservice.error.* URI in src/errors.ts only', () => {
    const elsewhere = sourceLiterals('src', 'cli')
      .filter((literal) => literal.value.startsWith('wservice.error.') && literal.file !== 'src/errors.ts')
      .map((literal) => `${literal.file}:${literal.line} ${literal.value}`);
    expect(elsewhere).toEqual([]);
  });

  it('is documented: docs/errors.md names every code and every wservice.error URI', () => {
    const doc = readFileSync(path.join(root, 'docs/errors.md'), 'utf8');
    const missing = [...Object.values(ErrorCode), ...Object.values(WServiceErrorUri)].filter(
      (name) => !doc.includes(`\`${name}\``),
    );
    expect(missing).toEqual([]);
  });
});

describe('typed state errors of the container and the runner', () => {
  @Service('catalogue')
  class CatalogueService {
    @Rpc()
    ping(): string {
      return 'pong';
    }
  }

  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([CatalogueService]);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('refuses what the state does not allow with ServiceStateError', async () => {
    const container = system.container('catalogue');
    expect(() => container.replace('token', 1)).toThrow(ServiceStateError);
    await expect(Promise.resolve().then(() => container.start())).rejects.toMatchObject({
      name: 'ServiceStateError',
      code: ErrorCode.SERVICE_STATE,
      service: 'catalogue',
    });
  });

  it('reports an unknown service or entrypoint with ServiceLookupError', () => {
    expect(() => system.runner.container('nope')).toThrow(ServiceLookupError);
    expect(() => system.container('catalogue').runEntrypoint('nope')).toThrow(ServiceLookupError);
  });

  it('rejects an option that cannot work with ServiceOptionsError', async () => {
    await expect(
      ServiceRunner.start({
        services: [{ service: CatalogueService, instances: 0 }],
        router: 'ws://127.0.0.1:9/ws',
      }),
    ).rejects.toMatchObject({ name: 'ServiceOptionsError', code: ErrorCode.SERVICE_OPTIONS });
  });
});
