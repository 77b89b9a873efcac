import { Writable } from 'node:stream';
import { InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { createLogger, type LogComponent, type Logger, type LogLevel } from '../src/logger';
import { colour } from './style';

/**
 * Logging for the commands. Servers (`run`, `router`) log one line per event: pretty lines at
 * a terminal, JSON lines (pino) when stdout is a pipe or a file, `--log-format` to choose;
 * `--log-level info,router=warn` sets a level and levels per component. Client commands
 * (`call`, `publish`, `subscribe`, `shell`) print only human lines on stderr.
 */

export type LogFormat = 'json' | 'pretty';

/** `--log-level` parsed: the level, and levels per component. */
export interface LogLevelSpec {
  level?: LogLevel;
  levels: Partial<Record<LogComponent, LogLevel>>;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const COMPONENTS: readonly LogComponent[] = ['router', 'service', 'client'];

function isLevel(value: string): value is LogLevel {
  return (LEVELS as readonly string[]).includes(value);
}

/** `info`, `router=debug`, `warn,service=debug,router=info`: commander's parser for `--log-level`. */
export function parseLogLevel(value: string): LogLevelSpec {
  const spec: LogLevelSpec = { levels: {} };
  for (const part of value.split(',').map((p) => p.trim())) {
    const [name, level] = part.includes('=') ? part.split('=', 2) : [undefined, part];
    if (!isLevel(level))
      throw new InvalidArgumentError(`"${level}" is not a log level (${LEVELS.join(', ')})`);
    if (name === undefined) spec.level = level;
    else if ((COMPONENTS as readonly string[]).includes(name)) spec.levels[name as LogComponent] = level;
    else throw new InvalidArgumentError(`"${name}" is not a component (${COMPONENTS.join(', ')})`);
  }
  return spec;
}

/** The `--log-level` option of the server commands. */
export function logLevelOption(defaultNote: string): Option {
  return new Option(
    '--log-level <level>',
    `log level, and per component (router, service, client): e.g. warn,service=info (${defaultNote})`,
  ).argParser(parseLogLevel);
}

/** The `--log-format` option of the server commands. */
export function logFormatOption(): Option {
  return new Option(
    '--log-format <format>',
    'log lines as JSON or pretty (default: pretty at a terminal, else json)',
  )
    .choices(['json', 'pretty'])
    .env('WSERVICE_LOG_FORMAT');
}

/** The logger of a server command: pretty at a terminal unless told, JSON lines otherwise. */
export function serverLogger(
  level: LogLevel,
  spec: LogLevelSpec | undefined,
  format: LogFormat | undefined,
): Logger {
  const pretty = (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  return createLogger({ level, levels: spec?.levels, pretty, name: 'wservice' });
}

/**
 * The logger of a client command: warnings and errors of the library become one human line
 * each on stderr (`warning: reconnecting: the router closed the session`), info lines only
 * for `verbose` ones; never JSON.
 */
export function humanLogger(level: LogLevel = 'warn'): Logger {
  const c = colour(process.stderr);
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
        const prefix =
          entry.level >= 50 ? c('red', 'error: ') : entry.level >= 40 ? c('yellow', 'warning: ') : '';
        const reason = entry.err?.message === undefined ? '' : `: ${entry.err.message}`;
        process.stderr.write(`${prefix}${entry.msg ?? ''}${reason}\n`);
      }
      done();
    },
  });
  return pino({ level, base: undefined, timestamp: false }, stream);
}
