// First: tsyringe, which `run` loads, needs the Reflect metadata API before anything else.
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { buildCommand } from './commands/build';
import { callCommand } from './commands/call';
import { codegenCommand } from './commands/codegen';
import { describeCommand } from './commands/describe';
import { keysCommand } from './commands/keys';
import { newCommand } from './commands/new';
import { psCommand } from './commands/ps';
import { publishCommand } from './commands/publish';
import { routerCommand } from './commands/router';
import { runCommand } from './commands/run';
import { shellCommand } from './commands/shell';
import { showConfigCommand } from './commands/show-config';
import { subscribeCommand } from './commands/subscribe';
import { packageVersion } from './package-info';

/**
 * Every sub-command, one file each under `cli/commands/`, each a thin layer over the public
 * API. Adding a command is adding its line here.
 */
const COMMANDS: readonly (() => Command)[] = [
  runCommand,
  routerCommand,
  keysCommand,
  callCommand,
  describeCommand,
  psCommand,
  showConfigCommand,
  buildCommand,
  codegenCommand,
  publishCommand,
  subscribeCommand,
  shellCommand,
  newCommand,
];

/** The `wservice` program with every sub-command, ready to parse. */
export function buildProgram(): Command {
  const program = configure(
    new Command('wservice')
      .description('nameko-style microservices on WAMP: typed RPC and events, an embedded router')
      .version(packageVersion(), '-v, --version'),
  );
  for (const command of COMMANDS) program.addCommand(configure(command()));
  return program;
}

/**
 * Commander reports usage errors itself, on one line ("error: unknown option '--prot' (Did
 * you mean --port?)"), and throws instead of exiting, so that `run` decides the exit.
 */
function configure(command: Command): Command {
  return command
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd().replace(/\n+/g, ' ')}\n`) });
}

/**
 * Runs the command line. A user's mistake (a bad flag, a bad config file, a port in use, an
 * unreachable router...) ends with one clear line on stderr and exit code 1, never a stack
 * trace; only a bug of ours (a JavaScript TypeError and the like) shows its stack.
 */
export async function run(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    // Commander has already printed its own message (or the help, or the version).
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exit(1);
  }
}

/** The line (or, for a bug, the stack) a failure is reported with. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  if (isBug(error)) return `internal error (please report it): ${error.stack ?? error.message}`;
  return `error: ${error.message}`;
}

/** Errors the language throws for wrong code, not the typed errors wservice raises for users. */
function isBug(error: Error): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError
  );
}
