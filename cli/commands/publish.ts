import { Command } from 'commander';
import { WampError, type Kwargs } from '../../src';
import { reportWampError } from '../remote-errors';
import { connectWithFlags, withRouterFlags, type RouterFlags } from '../router-flags';
import { colour } from '../style';
import { parseValue, VALUE_RULE, withPayload } from '../values';

interface PublishFlags extends RouterFlags {
  kwargs?: Kwargs;
  acknowledge: boolean;
}

/** `wservice publish <topic> [args...]`: one event. */
export function publishCommand(): Command {
  return withRouterFlags(
    withPayload(
      new Command('publish')
        .description('publish an event to a topic')
        .argument('<topic>', 'the topic URI, e.g. orders.placed'),
    ).option('--no-acknowledge', 'do not wait for the router to confirm the publication'),
  )
    .addHelpText(
      'after',
      `
${VALUE_RULE}

By default the router acknowledges the publication: the command prints its id and fails
(exit 1) when the router refuses it, e.g. when not authorized.

Examples:
  $ wservice publish users.created '{"name":"Ada"}'
  $ wservice publish orders.placed --kwargs '{"id":"order-1","total":6}'
  $ wservice publish chat.message Ada "hello there"      two string arguments
  $ wservice publish metrics.tick 42 --no-acknowledge   fire and forget`,
    )
    .action((topic: string, words: string[], flags: PublishFlags) => publish(topic, words, flags));
}

async function publish(topic: string, words: string[], flags: PublishFlags): Promise<void> {
  const client = await connectWithFlags(flags, false);
  try {
    const publication = await client.publish(topic, words.map(parseValue), flags.kwargs ?? {}, {
      acknowledge: flags.acknowledge,
    });
    const c = colour(process.stdout);
    const id = publication === undefined ? '' : c('dim', ` (publication ${publication.id})`);
    process.stdout.write(`${c('green', 'published')} ${topic}${id}\n`);
  } catch (err) {
    if (!(err instanceof WampError)) throw err;
    reportWampError(err);
  } finally {
    await client.close().catch(() => undefined);
  }
}
