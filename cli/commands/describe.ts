import { Command } from 'commander';
import { WampError } from '../../src';
import {
  procedureSignature,
  type EntrypointDescription,
  type ServiceDescription,
} from '../../src/contracts/describe';
import { reportWampError } from '../remote-errors';
import { connectWithFlags, withRouterFlags, type RouterFlags } from '../router-flags';
import { colour } from '../style';

interface DescribeFlags extends RouterFlags {
  json?: boolean;
}

/** `wservice describe [service]`: what the services on a router offer, from their contracts. */
export function describeCommand(): Command {
  return withRouterFlags(
    new Command('describe')
      .description("print the services' procedures and topics with their parameters (wservice.describe)")
      .argument('[service]', 'one service; all of them when left out')
      .option('--json', 'print the JSON Schema 2020-12 description as it came'),
  )
    .addHelpText(
      'after',
      `
Asks wservice.describe on the router: every service run by wservice publishes its contract
(procedures' arguments and results, topics' payloads, as JSON Schema 2020-12).

Examples:
  $ wservice describe                         every service, readable
  $ wservice describe orders                  one service
  $ wservice describe orders --json           its description as JSON`,
    )
    .action((service: string | undefined, flags: DescribeFlags) => describe(service, flags));
}

async function describe(service: string | undefined, flags: DescribeFlags): Promise<void> {
  const client = await connectWithFlags(flags, false);
  try {
    const answer = await client.call('wservice.describe', service === undefined ? [] : [service]);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      return;
    }
    const services =
      service === undefined
        ? Object.values((answer as { services: Record<string, ServiceDescription> }).services)
        : [answer as ServiceDescription];
    process.stdout.write(services.map(renderService).join('\n'));
  } catch (err) {
    if (!(err instanceof WampError)) throw err;
    reportWampError(err);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** One service: its entrypoints with their signatures and doc comments, aligned. */
export function renderService(d: ServiceDescription): string {
  const c = colour(process.stdout);
  const lines = [
    `${c('green', c('bold', d.service))} ${c('dim', `(${d.className}, contract from ${d.source})`)}${d.description ? `  ${d.description}` : ''}`,
  ];
  const entry = (kind: string, target: string, e: EntrypointDescription) => {
    lines.push(`  ${c('dim', kind.padEnd(9))}  ${procedureSignature(target, e)}`);
    if (e.description)
      for (const l of e.description.split('\n')) lines.push(`  ${' '.repeat(9)}  ${c('dim', l)}`);
  };
  for (const [uri, p] of Object.entries(d.procedures)) {
    entry('rpc', uri, p);
  }
  for (const [topic, t] of Object.entries(d.topics)) entry('subscribe', topic, t);
  for (const t of d.timers)
    lines.push(`  ${c('dim', 'timer'.padEnd(9))}  ${t.method} every ${t.interval} ms`);
  for (const w of d.warnings) lines.push(`  ${c('yellow', `! ${w}`)}`);
  return `${lines.join('\n')}\n`;
}
