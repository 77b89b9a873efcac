import { Option, type Command } from 'commander';
import { ErrorCode, WServiceError } from '../src/errors';
import { connect, DEFAULT_REALM, DEFAULT_ROUTER_URL, type Client } from '../src';
import { humanLogger } from './logging';

/** The connection flags shared by `call`, `publish`, `subscribe` and `shell`. */
export interface RouterFlags extends TlsFlags {
  router?: string;
  realm?: string;
  authid?: string;
  authrole?: string;
  ticket?: string;
  secret?: string;
  privateKey?: string;
}

/** The router could not be reached or joined; the message says where and why, in one line. */
export class RouterUnreachableError extends WServiceError {
  readonly code = ErrorCode.ROUTER_UNREACHABLE;

  constructor(
    readonly url: string,
    readonly realm: string,
    cause: unknown,
  ) {
    super(`cannot join realm ${realm} on ${url}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'RouterUnreachableError';
  }
}

/** The TLS flags: PEM files for `wss://` and `rss://` routers (also taken by `wservice run`). */
export interface TlsFlags {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Adds `--tls-ca`, `--tls-cert` and `--tls-key` to `command`. */
export function withTlsFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--tls-ca <file>',
        "PEM file of the CA that signed the router's certificate (wss://, rss://)",
      ).env('WSERVICE_TLS_CA'),
    )
    .addOption(
      new Option('--tls-cert <file>', 'PEM file of a client certificate, for mutual TLS').env(
        'WSERVICE_TLS_CERT',
      ),
    )
    .addOption(
      new Option('--tls-key <file>', "PEM file of the client certificate's key").env('WSERVICE_TLS_KEY'),
    );
}

/** The TLS options the flags give, or undefined when none was given. */
export function tlsFromFlags(flags: TlsFlags): { ca?: string; cert?: string; key?: string } | undefined {
  const { tlsCa: ca, tlsCert: cert, tlsKey: key } = flags;
  return ca === undefined && cert === undefined && key === undefined ? undefined : { ca, cert, key };
}

/**
 * `--router <url>`: one URL, several separated by commas, or the flag repeated; the value is
 * the list as one string with commas between (tried in turn with failover).
 */
export function routerOption(description: string): Option {
  return new Option(
    '--router <url>',
    `${description}; several (a,b or the flag repeated) fail over in turn`,
  ).argParser((value: string, previous: string | undefined) =>
    previous === undefined ? value : `${previous},${value}`,
  );
}

/** Adds `--router`, `--realm`, the authentication and the TLS flags to `command`. */
export function withRouterFlags(command: Command): Command {
  return withTlsFlags(command)
    .addOption(
      routerOption(
        `router URL: ws://, wss://, rs://, rss://, unix: (default WSERVICE_ROUTER, else ${DEFAULT_ROUTER_URL})`,
      ),
    )
    .option('--realm <realm>', `realm to join (default WSERVICE_REALM, else ${DEFAULT_REALM})`)
    .addOption(new Option('--authid <id>', 'authentication id').env('WSERVICE_AUTHID'))
    .addOption(new Option('--authrole <role>', 'authentication role to ask for').env('WSERVICE_AUTHROLE'))
    .addOption(new Option('--ticket <ticket>', 'ticket authentication').env('WSERVICE_TICKET'))
    .addOption(new Option('--secret <secret>', 'WAMP-CRA secret').env('WSERVICE_SECRET'))
    .addOption(
      new Option('--private-key <hex>', 'cryptosign authentication: Ed25519 seed, 64 hex characters').env(
        'WSERVICE_PRIVATE_KEY',
      ),
    );
}

/** Where the flags point, with the environment and the defaults applied (as `connect` does). */
export function routerTarget(flags: RouterFlags): { url: string; realm: string } {
  return {
    url: flags.router ?? nonEmpty(process.env.WSERVICE_ROUTER) ?? DEFAULT_ROUTER_URL,
    realm: flags.realm ?? nonEmpty(process.env.WSERVICE_REALM) ?? DEFAULT_REALM,
  };
}

/**
 * Connects as the flags say. One-shot commands do not reconnect; long-lived ones (`subscribe`,
 * `shell`) do, restoring their subscriptions. The first attempt failing is a
 * `RouterUnreachableError` in either case. The library's log lines: none for one-shot
 * commands (their outcome is what they print), human lines on stderr for long-lived ones
 * (reconnecting, a subscription revoked), never JSON.
 */
export async function connectWithFlags(flags: RouterFlags, reconnect: boolean): Promise<Client> {
  const { url, realm } = routerTarget(flags);
  try {
    return await connect({
      url,
      realm,
      authid: flags.authid,
      authrole: flags.authrole,
      ticket: flags.ticket,
      secret: flags.secret,
      privateKey: flags.privateKey,
      tls: tlsFromFlags(flags),
      logger: humanLogger(reconnect ? 'info' : 'silent'),
      ...(reconnect ? {} : { reconnect: false }),
    });
  } catch (err) {
    throw new RouterUnreachableError(url, realm, err);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
