import {
  connect,
  currentContext,
  EventDispatcher,
  MessageType,
  Rpc,
  Service,
  Subscribe,
  type Client,
} from 'wservice';
import { assertStopsRaising } from 'wservice/testing';

// #region wampy
export async function wampyStyle(url: string): Promise<string> {
  await using client = await connect(url); // `with Client() as client:`
  // client.rpc.get_binary_number(number=100)
  const bits = (await client.rpc['calc.binary'].kwargs({ number: 100 })) as string;
  await client.rpc['calc.binary'](5); // positional arguments
  await assertStopsRaising(async () => {
    // assert_stops_raising: retried until it passes (5 s by default)
    expect(await client.call('calc.binary', [2])).toBe('10');
  });
  return bits;
}
// #endregion wampy

// #region wampy-hooks
// wampy's MessageHandler: every message, from the first HELLO on, may be changed or dropped.
export async function tracedClient(url: string, seen: string[]): Promise<Client> {
  return connect({
    url,
    onMessage: {
      outbound: (msg) => {
        seen.push(`-> ${msg.type}`);
        if (msg.type === MessageType.CALL) msg.options._trace_id = 'trace-1'; // sent as changed
      },
      inbound: (msg) => {
        seen.push(`<- ${msg.type}`);
        if (msg.type === MessageType.EVENT && msg.args?.[0] === 'noise') return null; // dropped
      },
    },
  });
}
// #endregion wampy-hooks

// #region wampy-tls
// Client(url='wss://...', cert_path=...): TLS files are read from their paths.
export async function tlsClient(url: string, certs: string): Promise<Client> {
  return connect({
    url,
    tls: { ca: `${certs}/ca.crt`, cert: `${certs}/client.crt`, key: `${certs}/client.key` },
  });
}
// #endregion wampy-tls

// #region autobahn
export async function autobahnStyle(urls: string[], log: string[]): Promise<void> {
  // new Connection({ transports: [...], onopen, onclose }): the callbacks hear the first join too.
  const client = await connect({
    url: urls, // tried in turn; a reconnect fails over to the next
    onJoin: (session) => log.push(`joined ${session.realm}`),
    onLeave: (info) => log.push(`left ${info.reason}`),
    onDisconnect: (info) => {
      log.push(`disconnected, retry: ${info.willRetry}`);
      return false; // true stops reconnecting, as onclose returning true does
    },
  });
  await client.leave(); // session.leave(): the WebSocket stays open
  await client.join('realm1'); // a new session on it, on this realm or another
  await client.close();
}
// #endregion autobahn

// #region serverwamp
@Service('lobby')
export class LobbyService {
  readonly present = new Set<number>();

  constructor(private readonly events: EventDispatcher) {}

  // serverwamp's session events: the router's meta topics (the role needs `subscribe` on them).
  @Subscribe('wamp.session.on_join')
  joined(details: { session: number }): void {
    this.present.add(details.session);
  }

  @Subscribe('wamp.session.on_leave')
  left(session: number, _authid: string, _authrole: string): void {
    this.present.delete(session);
  }

  // send_event(session, ...): an event to the calling session only, by `eligible`.
  @Rpc()
  async whisper(text: string): Promise<void> {
    const caller = currentContext()?.caller;
    if (caller === undefined) return; // the router did not disclose the caller
    await this.events.publish('lobby.whispered', [text], {}, { eligible: [caller], acknowledge: true });
  }
}
// #endregion serverwamp

// #region nameko
@Service('ledger')
export class LedgerService {
  readonly entries: string[] = [];

  // handler_type=SINGLETON: one handler in the whole cluster gets each event.
  @Subscribe('calc.done', { delivery: 'singleton' })
  record(result: string): void {
    this.entries.push(result);
  }

  // handler_type=SERVICE_POOL: one instance of this service per event.
  @Subscribe('calc.audited', { delivery: 'pool' })
  audit(result: string): void {
    this.entries.push(`audited ${result}`);
  }

  @Rpc()
  count(): number {
    return this.entries.length;
  }
}
// #endregion nameko

@Service('calc')
export class CalcService {
  @Rpc()
  binary(number: number): string {
    return number.toString(2);
  }
}
