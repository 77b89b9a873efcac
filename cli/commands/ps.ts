import { Command } from 'commander';
import { RemoteError, WampError, type Client } from '../../src';
import { DESCRIBE_PREFIX } from '../../src/contracts/describe';
import { ErrorUri } from '../../src/protocol/errors';
import { poolTopic } from '../../src/service/entrypoints/subscribe';
import { SINGLETON_PROCEDURE_PREFIX } from '../../src/service/constants';
import { reportWampError } from '../remote-errors';
import { connectWithFlags, routerTarget, withRouterFlags, type RouterFlags } from '../router-flags';
import { colour } from '../style';

interface PsFlags extends RouterFlags {
  json?: boolean;
  all?: boolean;
}

/** A session, as `wamp.session.get` tells it. */
export interface SessionRow {
  session: number;
  authid?: string;
  authrole?: string;
  transport?: { type?: string; peer?: string };
  /** The wservice service this session is an instance of, if any. */
  service?: string;
}

/** What `wservice ps` shows of a router's realm, from its meta API. */
export interface RouterSnapshot {
  router: string;
  realm: string;
  /** Sessions other than this command's own. */
  sessions: { count: number; list?: SessionRow[]; hidden?: string };
  /** Services run by wservice (each instance registers `wservice.describe.<service>`). */
  services: { name: string; sessions: number[] }[];
  procedures: { uri: string; match: string; invoke: string; callees: number[] }[];
  /** Subscriptions, and the pool / singleton handlers (shared registrations behind a topic). */
  subscriptions: { topic: string; match: string; delivery: string; sessions: number[] }[];
}

/** `wservice ps`: the live sessions, services, procedures and subscriptions of a router. */
export function psCommand(): Command {
  return withRouterFlags(
    new Command('ps')
      .alias('list')
      .description("list a router's live sessions, services, procedures and subscriptions (meta API)")
      .option('--all', "also the framework's own procedures (wservice.*, <service>.describe)")
      .option('--json', 'print the snapshot as JSON'),
  )
    .addHelpText(
      'after',
      `
Reads the router's registration and subscription meta API (wamp.registration.*,
wamp.subscription.*); the sessions' details (wamp.session.list / get) need a role allowed
them, such as admin on wservice's router; otherwise only their count is shown.

Examples:
  $ wservice ps
  $ wservice ps --router ws://10.0.0.5:8080/ws --authid ops --ticket "$OPS_TICKET" --authrole admin
  $ wservice ps --json`,
    )
    .action((flags: PsFlags) => ps(flags));
}

async function ps(flags: PsFlags): Promise<void> {
  const client = await connectWithFlags(flags, false);
  try {
    const snapshot = await snapshotOf(client, routerTarget(flags));
    if (!flags.all) hideFramework(snapshot);
    process.stdout.write(flags.json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderSnapshot(snapshot));
  } catch (err) {
    if (!(err instanceof WampError)) throw err;
    reportWampError(err);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Everything the meta API tells, gathered in parallel. */
export async function snapshotOf(
  client: Client,
  target: { url: string; realm: string },
): Promise<RouterSnapshot> {
  const own = client.session?.id;
  const [registrations, subscriptions, sessions] = await Promise.all([
    registrationsOf(client),
    subscriptionsOf(client),
    sessionsOf(client, own),
  ]);
  const others = (ids: number[]) => ids.filter((id) => id !== own);
  const services = await servicesOf(client, registrations, others);
  const handlers = registrations.flatMap((r) => {
    const topic = poolTopic(r.uri);
    if (topic === undefined) return [];
    const delivery = r.uri.startsWith(`${SINGLETON_PROCEDURE_PREFIX}.`) ? 'singleton' : 'pool';
    return [{ topic, match: 'exact', delivery, sessions: others(r.callees) }];
  });
  for (const row of sessions.list ?? []) {
    const service = services.find((v) => v.sessions.includes(row.session));
    if (service !== undefined) row.service = service.name;
  }
  return {
    router: target.url,
    realm: target.realm,
    sessions,
    services,
    procedures: registrations.filter((r) => poolTopic(r.uri) === undefined),
    subscriptions: [
      ...subscriptions.map((s) => ({
        topic: s.uri,
        match: s.match,
        delivery: 'broadcast',
        sessions: others(s.subscribers),
      })),
      ...handlers,
    ].sort((a, b) => a.topic.localeCompare(b.topic)),
  };
}

/**
 * The wservice services: each instance registers `wservice.describe.<service>` (where the
 * router lets it) and `<service>.describe`, which answers the service's own name.
 */
async function servicesOf(
  client: Client,
  registrations: RouterSnapshot['procedures'],
  others: (ids: number[]) => number[],
): Promise<RouterSnapshot['services']> {
  const byName = new Map<string, Set<number>>();
  const add = (name: string, callees: number[]) =>
    byName.set(name, new Set([...(byName.get(name) ?? []), ...others(callees)]));
  const own = registrations.filter((r) => r.match === 'exact' && r.uri.endsWith('.describe'));
  await Promise.all(
    own.map(async (r) => {
      const name = r.uri.slice(0, -'.describe'.length);
      const answer = await client.call<{ service?: unknown }>(r.uri).catch(() => undefined);
      if (answer?.service === name) add(name, r.callees);
    }),
  );
  for (const r of registrations)
    if (r.uri.startsWith(`${DESCRIBE_PREFIX}.`)) add(r.uri.slice(DESCRIBE_PREFIX.length + 1), r.callees);
  return [...byName]
    .map(([name, sessions]) => ({ name, sessions: [...sessions].sort((a, b) => a - b) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

type IdLists = { exact: number[]; prefix: number[]; wildcard: number[] };
const allIds = (lists: IdLists) => [...lists.exact, ...lists.prefix, ...lists.wildcard];

async function registrationsOf(client: Client): Promise<RouterSnapshot['procedures']> {
  const ids = allIds(await client.call<IdLists>('wamp.registration.list'));
  const rows = await Promise.all(
    ids.map(async (id) => {
      const [details, callees] = await Promise.all([
        client.call<{ uri: string; match: string; invoke: string }>('wamp.registration.get', [id]),
        client.call<number[]>('wamp.registration.list_callees', [id]),
      ]).catch(goneToNull);
      return details === null
        ? undefined
        : { uri: details.uri, match: details.match, invoke: details.invoke, callees };
    }),
  );
  return rows.filter((r) => r !== undefined).sort((a, b) => a.uri.localeCompare(b.uri));
}

async function subscriptionsOf(
  client: Client,
): Promise<{ uri: string; match: string; subscribers: number[] }[]> {
  const ids = allIds(await client.call<IdLists>('wamp.subscription.list'));
  const rows = await Promise.all(
    ids.map(async (id) => {
      const [details, subscribers] = await Promise.all([
        client.call<{ uri: string; match: string }>('wamp.subscription.get', [id]),
        client.call<number[]>('wamp.subscription.list_subscribers', [id]),
      ]).catch(goneToNull);
      return details === null ? undefined : { uri: details.uri, match: details.match, subscribers };
    }),
  );
  return rows.filter((r) => r !== undefined);
}

/** A registration or subscription that ended between the list and the get is skipped. */
function goneToNull(err: unknown): [null, never[]] {
  if (
    err instanceof RemoteError &&
    (err.uri === ErrorUri.NO_SUCH_REGISTRATION || err.uri === ErrorUri.NO_SUCH_SUBSCRIPTION)
  )
    return [null, []];
  throw err;
}

async function sessionsOf(client: Client, own: number | undefined): Promise<RouterSnapshot['sessions']> {
  try {
    const ids = (await client.call<number[]>('wamp.session.list')).filter((id) => id !== own);
    const list = await Promise.all(
      ids.map((id) =>
        client.call<SessionRow>('wamp.session.get', [id]).catch((): SessionRow => ({ session: id })),
      ),
    );
    return { count: list.length, list: list.sort((a, b) => a.session - b.session) };
  } catch (err) {
    if (!(err instanceof RemoteError) || err.uri !== ErrorUri.NOT_AUTHORIZED) throw err;
    const count = (await client.call<number>('wamp.session.count')) - (own === undefined ? 0 : 1);
    return {
      count,
      hidden: 'session details need a role allowed wamp.session.list and wamp.session.get (e.g. admin)',
    };
  }
}

/** The framework's plumbing (contracts, pool procedures) is left out unless --all. */
function hideFramework(snapshot: RouterSnapshot): void {
  const names = new Set(snapshot.services.map((s) => `${s.name}.describe`));
  snapshot.procedures = snapshot.procedures.filter(
    (p) => !p.uri.startsWith('wservice.') && !names.has(p.uri),
  );
}

/** The snapshot as aligned tables. */
export function renderSnapshot(s: RouterSnapshot): string {
  const c = colour(process.stdout);
  const ids = (list: number[]) => (list.length === 0 ? '-' : list.join(', '));
  const out = [
    `${c('bold', s.router)} realm ${s.realm}: ${s.sessions.count} session${s.sessions.count === 1 ? '' : 's'} besides this one`,
  ];
  const table = (title: string, head: string[], rows: string[][]) => {
    out.push('', c('bold', title));
    if (rows.length === 0) return void out.push(c('dim', '  (none)'));
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
      `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}`;
    out.push(c('dim', line(head)), ...rows.map(line));
  };
  table(
    'services',
    ['SERVICE', 'INSTANCES', 'SESSIONS'],
    s.services.map((v) => [v.name, String(v.sessions.length), ids(v.sessions)]),
  );
  table(
    'procedures',
    ['PROCEDURE', 'MATCH', 'INVOKE', 'CALLEES'],
    s.procedures.map((p) => [p.uri, p.match, p.invoke, ids(p.callees)]),
  );
  table(
    'subscriptions',
    ['TOPIC', 'MATCH', 'DELIVERY', 'SESSIONS'],
    s.subscriptions.map((t) => [t.topic, t.match, t.delivery, ids(t.sessions)]),
  );
  if (s.sessions.list !== undefined) {
    table(
      'sessions',
      ['SESSION', 'SERVICE', 'AUTHID', 'AUTHROLE', 'TRANSPORT'],
      s.sessions.list.map((v) => [
        String(v.session),
        v.service ?? '-',
        v.authid ?? '-',
        v.authrole ?? '-',
        [v.transport?.type, v.transport?.peer].filter(Boolean).join(' ') || '-',
      ]),
    );
  } else {
    out.push('', c('dim', `sessions: ${s.sessions.hidden ?? ''}`));
  }
  return `${out.join('\n')}\n`;
}
