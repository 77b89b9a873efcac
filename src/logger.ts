import pino from 'pino';

/** The logger every layer takes; a pino logger, so users can pass their own. */
export type Logger = pino.Logger;

/** Log levels, most verbose first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerOptions {
  /** Defaults to `WSERVICE_LOG_LEVEL`, else `silent` under jest and `info` elsewhere. */
  level?: LogLevel;
  /** Human-readable, coloured lines instead of JSON (the CLI uses this). */
  pretty?: boolean;
  /** Logger name, shown on every line. */
  name?: string;
}

function defaultLevel(): LogLevel {
  const fromEnv = process.env.WSERVICE_LOG_LEVEL as LogLevel | undefined;
  if (fromEnv) return fromEnv;
  return process.env.JEST_WORKER_ID !== undefined ? 'silent' : 'info';
}

/** A new logger. JSON lines on stdout by default; `pretty` for people at a terminal. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? defaultLevel();
  if (options.pretty) {
    // Loaded lazily: only the CLI pays for the pretty printer.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pino(
      { level, name: options.name },
      pretty({ sync: true, colorize: process.stdout.isTTY, ignore: 'pid,hostname', singleLine: true }),
    );
  }
  return pino({ level, name: options.name });
}

let fallback: Logger | undefined;

/** The process-wide default logger, made on first use. */
export function defaultLogger(): Logger {
  fallback ??= createLogger();
  return fallback;
}
