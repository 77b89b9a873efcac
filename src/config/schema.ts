import { z } from 'zod';
import { DEFAULT_HOOK_TIMEOUTS } from '../defaults';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** How a service authenticates to the router. */
export const authSchema = z
  .object({
    authid: z.string().min(1).optional(),
    authrole: z.string().min(1).optional(),
    /** A ticket (`ticket` auth). */
    ticket: z.string().optional(),
    /** A WAMP-CRA secret (`wampcra` auth). */
    secret: z.string().optional(),
    /** An Ed25519 seed in hex, 64 characters (`cryptosign` auth). */
    privateKey: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a 32-byte Ed25519 seed)')
      .optional(),
  })
  .strict();

export const tlsSchema = z
  .object({
    /** Paths of PEM files. */
    ca: z.string().optional(),
    cert: z.string().optional(),
    key: z.string().optional(),
    rejectUnauthorized: z.boolean().optional(),
  })
  .strict();

/** Per-service options; they override what `@Service(name, options)` says. */
export const serviceSchema = z
  .object({
    /** Copies of the service to run in this process; they share its procedures. */
    instances: positiveInt.optional(),
    maxConcurrency: positiveInt.optional(),
    maxQueued: nonNegativeInt.optional(),
    stopTimeout: nonNegativeInt.optional(),
    /** Deadlines of the lifecycle hooks, ms (`DEFAULT_HOOK_TIMEOUTS` names them). */
    hookTimeouts: z
      .object(
        Object.fromEntries(
          Object.keys(DEFAULT_HOOK_TIMEOUTS).map((hook) => [hook, positiveInt.optional()]),
        ) as {
          [K in keyof typeof DEFAULT_HOOK_TIMEOUTS]: z.ZodOptional<typeof positiveInt>;
        },
      )
      .strict()
      .optional(),
    /** Authentication of this service's session, instead of `router.auth`. */
    auth: authSchema.optional(),
    /** Free-form settings the service reads through `ServiceSettings`. */
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** OpenTelemetry tracing of `wservice run` (docs/operations.md). */
export const tracingSchema = z
  .object({
    /** Spans through the global tracer provider (an SDK registered with `node --require`). */
    enabled: z.boolean().optional(),
    /**
     * A module loaded before the services start that sets up the SDK (exporter, sampler); it
     * may export `tracerProvider`, else the global provider is used. Turns tracing on.
     */
    setup: z.string().min(1).optional(),
  })
  .strict();

/** The HTTP server of `@Http` routes (`wservice run`). */
export const httpSchema = z
  .object({
    /** Default 8000; 0 picks a free port. */
    port: z.number().int().min(0).max(65535).optional(),
    /** Default 127.0.0.1. */
    host: z.string().min(1).optional(),
    /** The largest request body read, in bytes (default 1 MiB). */
    maxBodyBytes: positiveInt.optional(),
    /** A folder of static files served beside the routes (relative to the config file). */
    static: z.string().min(1).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    router: z
      .object({
        /**
         * An external router (`ws://`, `wss://`, `rs://`, `rss://`, `unix:`), or a list of them
         * tried in turn with failover; absent: run the embedded one.
         */
        url: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
        realm: z.string().min(1).optional(),
        auth: authSchema.optional(),
        tls: tlsSchema.optional(),
        /** Options of the embedded router (`wservice/router` `RouterOptions`), checked by the router. */
        embedded: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional(),
    services: z.record(z.string(), serviceSchema).optional(),
    /** Serve `@Http` routes here; without it they are served on 127.0.0.1:8000 when a service has one. */
    http: httpSchema.optional(),
    logLevel: logLevel.optional(),
    tracing: tracingSchema.optional(),
  })
  .strict();

/** A configuration file's contents, after `${ENV}` substitution and validation. */
export type WServiceConfigFile = z.infer<typeof configSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type TlsConfig = z.infer<typeof tlsSchema>;
export type HttpConfig = z.infer<typeof httpSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type TracingConfig = z.infer<typeof tracingSchema>;
export type LogLevelName = z.infer<typeof logLevel>;
