import pino from 'pino';

/** The logger every layer takes; a pino logger, so users can pass their own. */
export type Logger = pino.Logger;

/** Log levels, most verbose first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * The parts of wservice that log under their own `component` field, each of which can have
 * its own level (`levels`).
 */
export type LogComponent = 'router' | 'service' | 'client';

export interface LoggerOptions {
  /** Defaults to `WSERVICE_LOG_LEVEL`, else `silent` under jest, `warn` in a browser and `info` elsewhere. */
  level?: LogLevel;
  /** Levels per component, over `level`: `{ router: 'warn', service: 'debug' }`. */
  levels?: Partial<Record<LogComponent, LogLevel>>;
  /** Human-readable, coloured lines instead of JSON (the CLI uses this at a terminal). */
  pretty?: boolean;
  /** Logger name, shown on every line. */
  name?: string;
}

function defaultLevel(): LogLevel {
  // A browser (the wservice/browser bundle) has no process: its console gets warnings and worse.
  if (typeof process === 'undefined') return 'warn';
  const fromEnv = process.env.WSERVICE_LOG_LEVEL as LogLevel | undefined;
  if (fromEnv) return fromEnv;
  return process.env.JEST_WORKER_ID !== undefined ? 'silent' : 'info';
}

const LEVELS = Symbol('wservice.logLevels');

type WithLevels = Logger & { [LEVELS]?: Partial<Record<string, LogLevel>> };

/** A new logger. JSON lines on stdout by default; `pretty` for people at a terminal. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? defaultLevel();
  let logger: WithLevels;
  if (options.pretty) {
    // Loaded lazily: only the CLI pays for the pretty printer.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    logger = pino(
      { level, name: options.name },
      pretty({ sync: true, colorize: process.stdout.isTTY, ignore: 'pid,hostname', singleLine: true }),
    );
  } else {
    logger = pino({ level, name: options.name });
  }
  if (options.levels !== undefined) logger[LEVELS] = { ...options.levels };
  return logger;
}

/**
 * A child of `logger` for one component: its lines carry `component`, and its level is the
 * one `createLogger({ levels })` gave that component, if any (else the parent's). A logger
 * that belongs to a component already keeps it (a service's own connection logs as the
 * service).
 */
export function componentLogger(
  logger: Logger,
  component: LogComponent,
  bindings: Record<string, unknown> = {},
): Logger {
  const levels = (logger as WithLevels)[LEVELS];
  if (logger.bindings().component !== undefined) {
    if (Object.keys(bindings).length === 0) return logger;
    const child: WithLevels = logger.child(bindings);
    if (levels !== undefined) child[LEVELS] = levels;
    return child;
  }
  const level = levels?.[component];
  const child: WithLevels = logger.child({ component, ...bindings }, level === undefined ? {} : { level });
  if (levels !== undefined) child[LEVELS] = levels;
  return child;
}

const reported = new WeakSet<object>();

/**
 * Marks an error as logged already (by the service layer's call logger), so that the layers
 * it travels through afterwards (the callee, the event loop) do not log it a second time.
 */
export function markReported(error: unknown): void {
  if (typeof error === 'object' && error !== null) reported.add(error);
}

/** True when `markReported(error)` was called. */
export function wasReported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && reported.has(error);
}

let fallback: Logger | undefined;

/** The process-wide default logger, made on first use. */
export function defaultLogger(): Logger {
  fallback ??= createLogger();
  return fallback;
}
