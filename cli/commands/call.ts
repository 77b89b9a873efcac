import { Command } from 'commander';
import { WampError, type CallResult, type Client, type Kwargs } from '../../src';
import { reportWampError, wampErrorJson } from '../remote-errors';
import { renderPayload, toJson } from '../render';
import { connectWithFlags, withRouterFlags, type RouterFlags } from '../router-flags';
import { colour } from '../style';
import { parseMilliseconds, parseValue, VALUE_RULE, withPayload } from '../values';

interface CallFlags extends RouterFlags {
  kwargs?: Kwargs;
  json?: boolean;
  progress?: boolean;
  timeout?: number;
}

/** `wservice call <procedure> [args...]`: one call, its result on stdout. */
export function callCommand(): Command {
  return withRouterFlags(
    withPayload(
      new Command('call')
        .description('call a procedure and print its result')
        .argument('<procedure>', 'the procedure URI, e.g. greeter.hello'),
    )
      .option('--json', 'print the result, or the error, as one JSON document')
      .option('--progress', 'ask for progressive results and print each as it arrives')
      .option(
        '--timeout <ms>',
        'fail with wamp.error.timeout after this many milliseconds',
        parseMilliseconds,
      ),
  )
    .addHelpText(
      'after',
      `
${VALUE_RULE}

The result is printed as it is when it is a string, else as JSON; several results or
keyword results print as { "args": [...], "kwargs": {...} }. A remote error prints
"error: <uri>: <message>" on stderr and exits 1. With --json: {"args": [...], "kwargs": {...}},
or {"error": "<uri>", "args": [...], "kwargs": {...}} and exit 1; with --progress too, each
progressive result first as {"progress": true, "args", "kwargs"}, one per line.

Examples:
  $ wservice call greeter.hello Ada                     Hello Ada
  $ wservice call calc.add 2 3                          5
  $ wservice call orders.place apple 2 --json           {"args":[{...}],"kwargs":{}}
  $ wservice call orders.place --kwargs '{"sku":"apple","quantity":2}'
  $ wservice call orders.track order-1 --progress       each step, then the final result
  $ wservice call users.get '"42"'                      sends the string "42", not a number
  $ wservice call greeter.hello Ada --router rs://10.0.0.5:8081 --realm prod --ticket s3cret`,
    )
    .action((procedure: string, words: string[], flags: CallFlags) => call(procedure, words, flags));
}

async function call(procedure: string, words: string[], flags: CallFlags): Promise<void> {
  const client = await connectWithFlags(flags, false);
  try {
    const result = await callOnce(client, procedure, words, flags);
    process.stdout.write(
      flags.json ? `${resultJson(result)}\n` : line(renderPayload(result.args, result.kwargs, 2)),
    );
  } catch (err) {
    if (!(err instanceof WampError)) throw err;
    if (!flags.json) return reportWampError(err);
    process.stdout.write(`${wampErrorJson(err)}\n`);
    process.exitCode = 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function callOnce(client: Client, procedure: string, words: string[], flags: CallFlags): Promise<CallResult> {
  const dim = colour(process.stdout);
  const onProgress = (progress: CallResult): void => {
    if (flags.json) process.stdout.write(`${toJson({ progress: true, ...resultObject(progress) })}\n`);
    else process.stdout.write(line(dim('dim', renderPayload(progress.args, progress.kwargs, 2))));
  };
  return client.connection.call(procedure, words.map(parseValue), flags.kwargs ?? {}, {
    timeout: flags.timeout,
    ...(flags.progress ? { onProgress } : {}),
  });
}

function resultObject(result: CallResult): { args: unknown[]; kwargs: Kwargs } {
  return { args: result.args, kwargs: result.kwargs };
}

function resultJson(result: CallResult): string {
  return toJson(resultObject(result));
}

/** A value and its newline; a call without a result prints nothing. */
function line(text: string): string {
  return text === '' ? '' : `${text}\n`;
}
