import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_HOST, DEFAULT_HTTP_PORT } from '../../defaults';
import { WServiceErrorUri } from '../../errors';
import type { Logger } from '../../logger';
import { ErrorUri, WampError } from '../../protocol/errors';
import type { Kwargs } from '../../protocol/messages';
import { failRequest, readJsonBody, RefusedRequest, sendJson } from '../../http/json';
import { traceAttributesOfHeaders } from '../../observability/tracing';
import { listenOn } from '../../transport/listener';
import { DEFAULT_HTTP_MAX_BODY_BYTES, HTTP_HEADERS_TIMEOUT, HTTP_REQUEST_TIMEOUT } from '../constants';
import { newCorrelationId } from '../context';
import type { HttpDefinition } from '../definition';
import { ServiceOptionsError, ServiceStateError } from '../runtime-errors';
import { requestKwargs } from './binding';
import { OPENAPI_PATH, openApiDocument } from './openapi';
import { routeKey, RouteTable } from './routes';
import { StaticFiles } from './static';

/** Where and how the HTTP server of `@Http` routes listens (`http:` in wservice.config.yaml). */
export interface HttpServerOptions {
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: serving a network is a choice (`0.0.0.0`). */
  host?: string;
  /** The largest request body read, in bytes; larger ones are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * A folder of static files (a web page) served beside the routes, GET and HEAD only, with
   * the browser client at `/wservice/wservice.min.js` (see `StaticFiles`). Default none.
   */
  static?: string;
}

/** What one request hands its route's entrypoint. */
export interface HttpOrigin {
  /** The request's path, as sent: `/orders/42`. */
  readonly path: string;
  readonly correlationId: string;
  /** Aborts when the client goes away before its answer. */
  readonly signal: AbortSignal;
  /** The request's W3C trace context as custom attributes (`x_traceparent`), empty without one. */
  readonly trace: Readonly<Record<string, string>>;
}

/** Runs one request's worker on one service instance. */
export type HttpHandler = (kwargs: Kwargs, origin: HttpOrigin) => Promise<unknown>;

/** Where `@Http` entrypoints put their routes: `add` returns the function that takes it back. */
export interface HttpRoutes {
  add(service: string, route: HttpDefinition, handler: HttpHandler): () => void;
}

/** One route and the instances serving it, taken in turn. */
interface Route {
  readonly service: string;
  definition: HttpDefinition;
  readonly handlers: HttpHandler[];
  next: number;
}

/** The header a correlation id arrives in and is answered with. */
export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * The HTTP server of `@Http` routes (node:http): JSON in and out. The runner creates it, the
 * services' entrypoints add their routes while they start and take them back while they stop
 * (a route whose instances all stopped answers 503), then the runner listens.
 */
export class HttpServer implements HttpRoutes {
  private readonly table = new RouteTable<Route>();
  private readonly byKey = new Map<string, Route>();
  private readonly server: Server;
  private readonly maxBodyBytes: number;
  private readonly files?: StaticFiles;
  private address?: string;

  constructor(
    private readonly options: HttpServerOptions,
    private readonly logger: Logger,
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_HTTP_MAX_BODY_BYTES;
    if (options.static !== undefined) {
      this.files = new StaticFiles(options.static);
      if (!this.files.exists) throw new ServiceOptionsError(`http.static: ${options.static} is not a folder`);
    }
    this.server = createServer((req, res) => this.serve(req, res));
    this.server.headersTimeout = HTTP_HEADERS_TIMEOUT;
    this.server.requestTimeout = HTTP_REQUEST_TIMEOUT;
  }

  /** `http://127.0.0.1:8000`, with the real port, once listening. */
  get url(): string | undefined {
    return this.address;
  }

  /** The routes served, as `GET /orders/:id`. */
  get routes(): string[] {
    return [...this.byKey.values()].map((r) => `${r.definition.httpMethod} ${r.definition.path}`);
  }

  add(service: string, definition: HttpDefinition, handler: HttpHandler): () => void {
    const key = routeKey(definition.httpMethod, definition.path);
    let route = this.byKey.get(key);
    if (route !== undefined && route.service !== service && route.handlers.length > 0) {
      throw new ServiceStateError(
        service,
        `HTTP route ${definition.httpMethod} ${definition.path} of ${service} is served by ${route.service} already`,
      );
    }
    if (route === undefined || route.service !== service) {
      if (route !== undefined) this.table.remove(route);
      route = { service, definition, handlers: [], next: 0 };
      this.byKey.set(key, route);
      this.table.add(definition.httpMethod, definition.path, route);
    } else if (route.definition !== definition) {
      // The service's class was reloaded (`wservice run --watch`): its parameters may differ.
      this.table.remove(route);
      route.definition = definition;
      this.table.add(definition.httpMethod, definition.path, route);
    }
    const served = route;
    served.handlers.push(handler);
    return () => {
      const at = served.handlers.indexOf(handler);
      if (at !== -1) served.handlers.splice(at, 1);
    };
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? DEFAULT_HOST;
    const port = this.options.port ?? DEFAULT_HTTP_PORT;
    await listenOn(this.server, { host, port }, `HTTP port ${host}:${port}`);
    const bound = (this.server.address() as AddressInfo).port;
    this.address = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    this.logger.debug({ url: this.address, routes: this.routes }, 'HTTP listening');
  }

  /** Stops listening and closes every connection (the services have finished their work). */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const found = this.table.match(method, path);
    const correlationId = correlationOf(req);
    res.setHeader(CORRELATION_HEADER, correlationId);
    if (!('route' in found) && method === 'GET' && path === OPENAPI_PATH) {
      sendJson(res, 200, openApiDocument([...this.byKey.values()]));
      return;
    }
    if (!('route' in found) && this.files?.serve(req, res, path) === true) return;
    if (!('route' in found)) {
      const refusal =
        found.methods.length > 0
          ? new RefusedRequest(
              405,
              WServiceErrorUri.METHOD_NOT_ALLOWED,
              `${method} ${path}: the path serves ${found.methods.join(', ')}`,
            )
          : new RefusedRequest(404, WServiceErrorUri.NOT_FOUND, `no route for ${method} ${path}`);
      if (found.methods.length > 0) res.setHeader('allow', found.methods.join(', '));
      this.fail(req, res, refusal, 'debug');
      return;
    }
    const { route, params } = found;
    readJsonBody(req, this.maxBodyBytes)
      .then((body) => {
        const query = q === -1 ? undefined : new URLSearchParams(url.slice(q + 1));
        const kwargs = requestKwargs(route.definition, params, query, body);
        const handler = this.pick(route);
        const gone = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished)
            gone.abort(new WampError(ErrorUri.CANCELED, ['the HTTP client went away']));
        });
        const trace = traceAttributesOfHeaders(req.headers);
        return handler(kwargs, { path, correlationId, signal: gone.signal, trace });
      })
      .then(
        (result) => this.answer(route, res, result),
        (err: unknown) => this.fail(req, res, err, 'info'),
      );
  }

  /** The next instance serving `route`, in turn; none left means the service is stopping. */
  private pick(route: Route): HttpHandler {
    const { handlers } = route;
    if (handlers.length === 0)
      throw new WampError(WServiceErrorUri.UNAVAILABLE, [
        `${route.service} is not running: no instance serves this route`,
      ]);
    route.next = (route.next + 1) % handlers.length;
    return handlers[route.next];
  }

  private answer(route: Route, res: ServerResponse, result: unknown): void {
    sendJson(res, route.definition.options.status ?? (result === undefined ? 204 : 200), result);
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown, level: 'debug' | 'info'): void {
    failRequest(req, res, err, this.logger, 'HTTP', level);
  }
}

/** The caller's correlation id (as `x_correlation_id` over WAMP: at most 200 characters), else a new one. */
function correlationOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : newCorrelationId();
}
