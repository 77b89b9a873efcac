import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_REALM } from '../defaults';
import { WServiceErrorUri } from '../errors';
import { failRequest, RefusedRequest, readJsonBody, sendJson } from '../http/json';
import type { Logger } from '../logger';
import { ErrorUri, WampError } from '../protocol/errors';
import type { Args, Kwargs } from '../protocol/messages';
import { isValidUri } from '../protocol/uri';
import { traceAttributesOfHeaders } from '../observability/tracing';
import type { LinkInfo } from '../transport/inprocess';
import type { Transport } from '../transport/transport';
import { BridgePeer, type BridgeCredentials, type BridgeRequest } from './bridge-peer';

/**
 * The HTTP bridge of a WebSocket listener (`listeners[i].bridge`), Crossbar.io's HTTP caller
 * and publisher: `POST /call/<procedure>` and `POST /publish/<topic>` with a JSON body
 * `{ "args": [...], "kwargs": {...} }`. Off unless the listener names it.
 */
export interface HttpBridgeOptions {
  /** The realm requests act in. Default `realm1`. */
  realm?: string;
  /** The largest request body read, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number;
  /** How long a call may take, in ms (the CALL's `timeout`: 504 after it). Default 30,000. */
  timeout?: number;
}

export const DEFAULT_BRIDGE_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_BRIDGE_TIMEOUT = 30_000;

const CORRELATION_HEADER = 'x-correlation-id';
const ROUTES = /^\/(call|publish)\/([^/?]+)$/;

/**
 * Serves bridge requests. Each request is one WAMP session of its own, joined through the
 * router's ordinary handshake over an in-process link that carries the request's peer
 * address, Origin and TLS certificate: the realm's authentication (a ticket from
 * `Authorization`, or anonymous where the realm allows it) and authorization (its roles,
 * `DEFAULT_PERMISSIONS`, a dynamic authorizer) apply exactly as to any WAMP client. The
 * listener's Origin policy has refused pages it does not allow before a request gets here.
 */
export class HttpBridge {
  private readonly realm: string;
  private readonly maxBodyBytes: number;
  private readonly timeout: number;

  constructor(
    options: HttpBridgeOptions,
    private readonly attach: (transport: Transport) => void,
    private readonly logger: Logger,
  ) {
    this.realm = options.realm ?? DEFAULT_REALM;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_BRIDGE_MAX_BODY_BYTES;
    this.timeout = options.timeout ?? DEFAULT_BRIDGE_TIMEOUT;
  }

  /** Answers one plain HTTP request of the listener. */
  serve(req: IncomingMessage, res: ServerResponse, link: LinkInfo): void {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      // The listener allowed this page: it may read the answers (CORS).
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
    }
    const correlationId = correlationOf(req);
    res.setHeader(CORRELATION_HEADER, correlationId);
    const route = ROUTES.exec((req.url ?? '/').split('?')[0]);
    if (route === null)
      return this.fail(
        req,
        res,
        new RefusedRequest(
          404,
          WServiceErrorUri.NOT_FOUND,
          'try POST /call/<procedure> or POST /publish/<topic>',
        ),
      );
    if (req.method === 'OPTIONS' && origin !== undefined) return preflight(res);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return this.fail(
        req,
        res,
        new RefusedRequest(405, WServiceErrorUri.METHOD_NOT_ALLOWED, `${req.method} ${route[0]}: use POST`),
      );
    }
    const [, kind, encoded] = route;
    let uri: string;
    let credentials: BridgeCredentials;
    try {
      uri = decodeURIComponent(encoded);
      if (!isValidUri(uri)) throw new Error('not a URI');
      credentials = credentialsOf(req.headers.authorization);
    } catch (err) {
      if (err instanceof WampError) return this.fail(req, res, err);
      return this.fail(
        req,
        res,
        new RefusedRequest(400, ErrorUri.INVALID_URI, `${encoded} is not a valid URI`),
      );
    }
    readJsonBody(req, this.maxBodyBytes)
      .then((body) => {
        const { args, kwargs } = payloadOf(body);
        const trace = traceAttributesOfHeaders(req.headers);
        const request: BridgeRequest =
          kind === 'call'
            ? { kind: 'call', procedure: uri, args, kwargs, timeout: this.timeout, correlationId, trace }
            : { kind: 'publish', topic: uri, args, kwargs, correlationId, trace };
        const peer = new BridgePeer(this.attach, link);
        // A client that goes away takes its session (and its call) with it.
        res.on('close', () => {
          if (!res.writableFinished) peer.close();
        });
        return peer.run(this.realm, credentials, request);
      })
      .then(
        (answer) => sendJson(res, 200, answer),
        (err: unknown) => this.fail(req, res, err),
      );
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (httpStatus(err) === 401) res.setHeader('www-authenticate', 'Bearer, Basic realm="wamp"');
    failRequest(req, res, err, this.logger, 'HTTP bridge');
  }
}

function httpStatus(err: unknown): number | undefined {
  if (!(err instanceof WampError)) return undefined;
  if (err instanceof RefusedRequest) return err.httpStatus;
  return err.uri === ErrorUri.AUTHENTICATION_FAILED || err.uri === ErrorUri.NO_AUTH_METHOD ? 401 : undefined;
}

/** A browser asks before a POST with JSON or credentials: POST, with these headers. */
function preflight(res: ServerResponse): void {
  res
    .writeHead(204, {
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers':
        'authorization, content-type, x-correlation-id, traceparent, tracestate',
      'access-control-max-age': '600',
    })
    .end();
}

/**
 * Who the request says it is: `Authorization: Bearer <ticket>` (or `Ticket <ticket>`) for a
 * ticket alone (a dynamic authenticator names the authid), `Basic` with `authid:ticket` for
 * configured principals; none joins anonymously.
 */
function credentialsOf(header: string | undefined): BridgeCredentials {
  if (header === undefined) return {};
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const value = space === -1 ? '' : header.slice(space + 1).trim();
  if ((scheme === 'bearer' || scheme === 'ticket') && value !== '') return { ticket: value };
  if (scheme === 'basic' && value !== '') {
    const text = Buffer.from(value, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon > 0) return { authid: text.slice(0, colon), ticket: text.slice(colon + 1) };
  }
  throw new RefusedRequest(
    401,
    ErrorUri.AUTHENTICATION_FAILED,
    'Authorization must be "Bearer <ticket>", "Ticket <ticket>" or "Basic <base64 of authid:ticket>"',
  );
}

/** `{ args?: [...], kwargs?: {...} }`, or no body at all. */
function payloadOf(body: unknown): { args: Args; kwargs: Kwargs } {
  if (body === undefined) return { args: [], kwargs: {} };
  const {
    args = [],
    kwargs = {},
    ...rest
  } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    !Array.isArray(args) ||
    typeof kwargs !== 'object' ||
    kwargs === null ||
    Array.isArray(kwargs) ||
    unknown.length > 0
  ) {
    throw new RefusedRequest(
      400,
      ErrorUri.INVALID_ARGUMENT,
      `the body must be {"args": [...], "kwargs": {...}} (both optional)${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`,
    );
  }
  return { args: args as Args, kwargs: kwargs as Kwargs };
}

function correlationOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : randomUUID();
}
