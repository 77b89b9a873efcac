import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The public API, pinned: every name each entry point exports, values and types. A change
 * here is a change users see: add a name on purpose (and document it), never by an
 * `export *` that would publish internals too.
 */
const PUBLIC: Record<string, string[]> = {
  'src/index.ts': [
    'Args',
    'AuthChallenge',
    'AuthOptions',
    'CallCanceledError',
    'CallContext',
    'CallLogger',
    'CallOptions',
    'CallResult',
    'CallTimeoutError',
    'callValue',
    'CancelMode',
    'ChallengeHandler',
    'Client',
    'ClientCallOptions',
    'ClientErrorUri',
    'ClientPublishOptions',
    'ClientRegisterOptions',
    'ClientSubscribeOptions',
    'ConfigError',
    'ConfigFlags',
    'connect',
    'Connection',
    'ConnectionCloseInfo',
    'ConnectionEvents',
    'ConnectionOptions',
    'ConnectOptions',
    'ContainerState',
    'createLogger',
    'currentContext',
    'DEFAULT_REALM',
    'DEFAULT_RECONNECT',
    'DEFAULT_ROUTER_URL',
    'DependencyProvider',
    'Dict',
    'DispatchOptions',
    'EntrypointDefinition',
    'ErrorCode',
    'ErrorUri',
    'EventDelivery',
    'EventDispatcher',
    'EventHandler',
    'EventInfo',
    'FeatureNotSupportedError',
    'Inject',
    'Injectable',
    'InvocationContext',
    'InvokePolicy',
    'Kwargs',
    'loadConfig',
    'Logger',
    'LOGGER',
    'LogLevel',
    'MatchPolicy',
    'MessageHook',
    'MessageHooks',
    'OnStart',
    'OnStop',
    'parseRouterUrl',
    'PayloadSizeError',
    'PerServiceOptions',
    'ProcedureHandler',
    'ProtocolError',
    'ProxyCallOptions',
    'Publication',
    'PublishOptions',
    'ReconnectOptions',
    'Registration',
    'RemoteError',
    'RemoteErrorClass',
    'Result',
    'RouterAddress',
    'RouterFeatures',
    'Rpc',
    'RpcDefinition',
    'RpcOptions',
    'rpcProxy',
    'SerializationError',
    'Service',
    'SERVICE_NAME',
    'ServiceClass',
    'ServiceContainer',
    'ServiceDefinition',
    'ServiceDefinitionError',
    'ServiceErrorUri',
    'ServiceLookupError',
    'ServiceOptions',
    'ServiceOptionsError',
    'ServiceOverrides',
    'ServiceProxy',
    'ServiceRunner',
    'ServiceRunnerOptions',
    'ServiceSpec',
    'ServiceStateError',
    'Session',
    'SessionClosedError',
    'SessionCloseInfo',
    'SessionOptions',
    'SessionState',
    'SETTINGS',
    'Singleton',
    'Subscribe',
    'SubscribeDefinition',
    'SubscribeOptions',
    'Subscription',
    'Timer',
    'TimerDefinition',
    'TimerOptions',
    'TransportError',
    'TransportFactory',
    'TransportOptions',
    'WAMP_CONNECTION',
    'WampError',
    'WorkerContext',
    'WServiceConfig',
    'WServiceError',
    'WServiceErrorUri',
  ],
  'src/router/index.ts': [
    'ADMIN_PERMISSIONS',
    'AnonymousAuthOptions',
    'AttachOptions',
    'AuthenticateFunction',
    'AuthenticationAnswer',
    'AuthenticationRequest',
    'AuthenticatorOptions',
    'AuthOptions',
    'AuthorizationSession',
    'AuthorizationVerdict',
    'AuthorizeFunction',
    'createInProcessPair',
    'CryptosignAuthOptions',
    'CryptosignPrincipal',
    'DEFAULT_LIMITS',
    'DEFAULT_PERMISSIONS',
    'HANDSHAKE_TIMEOUT',
    'HookOptions',
    'LimitsOptions',
    'ListenerInfo',
    'ListenerOptions',
    'OptionPathSegment',
    'PermissionActions',
    'PermissionOptions',
    'RawSocketListenerOptions',
    'RealmOptions',
    'RoleOptions',
    'Router',
    'RouterOptions',
    'RouterOptionsError',
    'RouterStartOptions',
    'RouterStats',
    'SerializerName',
    'TicketAuthOptions',
    'TicketPrincipal',
    'TlsAuthOptions',
    'TlsOptions',
    'TlsPrincipal',
    'TOO_MANY_SESSIONS',
    'Transport',
    'TransportDetails',
    'UriReservation',
    'validateRouterOptions',
    'WampCraAuthenticationAnswer',
    'WampCraAuthOptions',
    'WampCraUser',
    'WebSocketListenerOptions',
  ],
  'src/testing/index.ts': [
    'assertStopsRaising',
    'entrypointHook',
    'entrypointWaiter',
    'RecordedEvent',
    'RecordingDispatcher',
    'replaceDependencies',
    'runServices',
    'startTestRouter',
    'StopsRaisingOptions',
    'TestRouter',
    'TestSystem',
    'waitForRegistrations',
    'waitForSubscriptions',
    'workerFactory',
    'WorkerOutcome',
    'WorkerUnderTest',
  ],
};

/** Names that must stay internal (the CLI and the framework import them by path). */
const INTERNAL = [
  'readServiceDefinition',
  'isServiceClass',
  'serviceProxyCall',
  'reviveRemoteError',
  'ServiceContainerOptions',
];

const root = path.resolve(__dirname, '..');

/** The names `file` exports, read from its export declarations; `*` for an `export *`. */
function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(path.join(root, file), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  return source.statements.flatMap((statement) => {
    if (!ts.isExportDeclaration(statement)) return [];
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) return ['*'];
    return clause.elements.map((element) => element.name.text);
  });
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'en');

describe.each(Object.entries(PUBLIC))('the public entry %s', (file, names) => {
  it('exports exactly the pinned names, each by name', () => {
    expect(exportedNames(file).sort(byName)).toEqual([...names].sort(byName));
  });

  it('exports at run time only pinned names, and no internals', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const values = Object.keys(require(path.join(root, file)) as object);
    expect(values.filter((name) => !names.includes(name))).toEqual([]);
    expect(values.filter((name) => INTERNAL.includes(name))).toEqual([]);
  });
});
