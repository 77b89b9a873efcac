import autobahn from 'autobahn';

// autobahn-js logs every close and reconnect decision with console.warn; tests read the
// outcome from the promises below instead.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('autobahn/lib/log.js') as { warn: (...args: unknown[]) => void }).warn = () => undefined;

/** autobahn-js serializer classes (not in @types/autobahn). */
interface SerializerModule {
  JSONSerializer: new () => unknown;
  MsgpackSerializer: new () => unknown;
  CBORSerializer: new () => unknown;
}
const serializers = (autobahn as unknown as { serializer: SerializerModule }).serializer;

export type SerializerKind = 'json' | 'msgpack' | 'cbor';

/** Where and how an autobahn client connects. */
export type Endpoint =
  | { transport: 'websocket'; url: string; serializer: SerializerKind }
  | { transport: 'rawsocket'; host: string; port: number }
  | { transport: 'rawsocket'; path: string };

export interface ClientOptions {
  realm?: string;
  authmethods?: string[];
  authid?: string;
  authextra?: Record<string, unknown>;
  onchallenge?: (session: autobahn.Session, method: string, extra: Record<string, unknown>) => string;
}

/** An open autobahn session and a way to close it cleanly. */
export interface Client {
  session: autobahn.Session;
  connection: autobahn.Connection;
  /** GOODBYE, then waits for the transport to close. */
  close(): Promise<void>;
}

/** Why a connection never opened: autobahn's close reason and details (ABORT reason, message). */
export class ConnectFailed extends Error {
  constructor(
    readonly reason: string,
    readonly details: { reason?: string; message?: string },
  ) {
    super(`connection ${reason}: ${details.reason ?? ''} ${details.message ?? ''}`);
  }
}

function transportOf(endpoint: Endpoint): autobahn.ITransportDefinition {
  if (endpoint.transport === 'rawsocket') {
    // autobahn's RawSocket transport speaks JSON only.
    return {
      type: 'rawsocket',
      ...('path' in endpoint ? { path: endpoint.path } : { host: endpoint.host, port: endpoint.port }),
    } as never;
  }
  const serializer = {
    json: serializers.JSONSerializer,
    msgpack: serializers.MsgpackSerializer,
    cbor: serializers.CBORSerializer,
  }[endpoint.serializer];
  return { type: 'websocket', url: endpoint.url, serializers: [new serializer()] } as never;
}

/** Connects an autobahn-js client and waits for its session to open. */
export function connect(endpoint: Endpoint, options: ClientOptions = {}): Promise<Client> {
  const connection = new autobahn.Connection({
    realm: options.realm ?? 'realm1',
    transports: [transportOf(endpoint)],
    authmethods: options.authmethods,
    authid: options.authid,
    authextra: options.authextra,
    onchallenge: options.onchallenge as autobahn.OnChallengeHandler | undefined,
    max_retries: 0,
    retry_if_unreachable: false,
    // Handlers that throw on purpose (errors with custom URIs) would be logged as user errors.
    on_user_error: () => undefined,
  });
  return new Promise((resolve, reject) => {
    connection.onopen = (session) => {
      resolve({
        session,
        connection,
        close: () =>
          new Promise<void>((closed) => {
            connection.onclose = () => {
              closed();
              return true;
            };
            connection.close();
          }),
      });
    };
    connection.onclose = (reason, details) => {
      reject(new ConnectFailed(reason, details as { reason?: string; message?: string }));
      return true;
    };
    connection.open();
  });
}

/** Resolves with the next `count` values `record` is called with. */
export function collector<T>(count: number): { record: (value: T) => void; done: Promise<T[]> } {
  const values: T[] = [];
  let resolve!: (values: T[]) => void;
  const done = new Promise<T[]>((r) => (resolve = r));
  return {
    record: (value) => {
      values.push(value);
      if (values.length === count) resolve(values);
    },
    done,
  };
}
