import { Command, Option } from 'commander';
import type { Args, Client, EventInfo, Kwargs, MatchPolicy } from '../../src';
import { renderPayload, toJson } from '../render';
import { connectWithFlags, routerTarget, withRouterFlags, type RouterFlags } from '../router-flags';
import { colour } from '../style';

interface SubscribeFlags extends RouterFlags {
  match?: Exclude<MatchPolicy, 'exact'>;
  json?: boolean;
}

/** `wservice subscribe <topic>`: prints events as they come, until Ctrl-C. */
export function subscribeCommand(): Command {
  return withRouterFlags(
    new Command('subscribe')
      .description('print the events published to a topic as they come, until Ctrl-C')
      .argument('<topic>', 'the topic URI, or a pattern with --match')
      .addOption(
        new Option(
          '--match <policy>',
          'prefix: every topic under it; wildcard: empty parts match any',
        ).choices(['prefix', 'wildcard']),
      )
      .option('--json', 'one JSON document per line: { "topic", "args", "kwargs", "publication" }'),
  )
    .addHelpText(
      'after',
      `
Each event prints as one line: the time, the topic, then the payload (the single argument
as it is, else { "args": [...], "kwargs": {...} }). Status lines go to stderr, so stdout
holds only events. The subscription survives reconnects.

Examples:
  $ wservice subscribe orders.placed
  $ wservice subscribe orders --match prefix            orders.placed, orders.cancelled, ...
  $ wservice subscribe 'users..created' --match wildcard
  $ wservice subscribe orders.placed --json | jq .args[0].total`,
    )
    .action((topic: string, flags: SubscribeFlags) => subscribe(topic, flags));
}

async function subscribe(topic: string, flags: SubscribeFlags): Promise<void> {
  const client = await connectWithFlags(flags, true);
  const print = flags.json ? printJson : printForPeople;
  try {
    await client.subscribe(topic, (args, kwargs, event) => print(args, kwargs, event), {
      match: flags.match ?? 'exact',
    });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  const { url, realm } = routerTarget(flags);
  const c = colour(process.stderr);
  const how = flags.match ? ` (${flags.match})` : '';
  process.stderr.write(
    `${c('green', 'subscribed')} to ${c('bold', topic)}${how} on ${c('cyan', url)} (realm ${realm}) ${c('dim', 'Ctrl-C to stop')}\n`,
  );
  await untilStopped(client);
}

/**
 * Resolves after SIGINT / SIGTERM once the client has left, so the process exits 0 by
 * itself; rejects when the connection ends for good (e.g. the router refuses to rejoin).
 */
function untilStopped(client: Client): Promise<void> {
  const c = colour(process.stderr);
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      client.connection.off('close', onClose);
      void client
        .close()
        .catch(() => undefined)
        .then(() => resolve());
    };
    const onClose = ({
      error,
      willRetry,
      retryIn,
    }: {
      error: Error;
      willRetry: boolean;
      retryIn?: number;
    }) => {
      if (willRetry) {
        process.stderr.write(c('yellow', `connection lost (${error.message}); retrying in ${retryIn} ms\n`));
        return;
      }
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      reject(error);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    client.connection.on('close', onClose);
    client.connection.on('join', () => process.stderr.write(c('green', 'joined again\n')));
  });
}

function printForPeople(args: Args, kwargs: Kwargs, event: EventInfo): void {
  const c = colour(process.stdout);
  const time = new Date().toISOString().slice(11, 23);
  process.stdout.write(`${c('dim', time)} ${c('cyan', event.topic)} ${renderPayload(args, kwargs)}\n`);
}

function printJson(args: Args, kwargs: Kwargs, event: EventInfo): void {
  process.stdout.write(`${toJson({ topic: event.topic, args, kwargs, publication: event.publication })}\n`);
}
