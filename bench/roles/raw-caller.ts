import WebSocket from 'ws';
import { frameSender, type FrameSend } from '../lib/batched-writes';
import { callerCommands, idMatchedRoundTrips, payloadCommands } from '../lib/workload';
import type { Role } from './entry';

/** The CALL-shaped JSON text the floor caller sends. */
const callFrame = (id: number, argument: unknown): string =>
  JSON.stringify([48, id, {}, 'bench.echo', [argument]]);

async function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/**
 * Baseline caller: sends a CALL-shaped JSON frame and waits for the same frame back, matched
 * by its request id (parsed, as any WAMP client must). With `batch`, the calls sent in one
 * event-loop turn leave in one write. The `payload` command sends a larger argument the same
 * way. With `sockets` > 1 it opens that many links and each call takes one with none in flight
 * (the floor of the 100-session row).
 */
export default async function rawCaller(args: Record<string, unknown>): Promise<Role> {
  const url = `${String(args.url)}${String(args.path ?? '')}`;
  const sockets = await Promise.all(Array.from({ length: Number(args.sockets ?? 1) }, () => openSocket(url)));
  const senders: FrameSend[] = sockets.map((socket) => frameSender(socket, args.batch === true));
  let argument: unknown = 'hello world';
  // The link the next frame goes out on (set just before each round trip sends).
  let link = 0;
  const { roundTrip, answered } = idMatchedRoundTrips((id) => senders[link](callFrame(id, argument), false));
  for (const socket of sockets) {
    socket.on('message', (data) => answered((JSON.parse(data.toString()) as unknown[])[1] as number));
  }
  const idle = senders.map((_, i) => i);
  const pooled = async (): Promise<void> => {
    // More calls in flight than links: the extra ones share the first link.
    const taken = idle.pop();
    link = taken ?? 0;
    try {
      await roundTrip();
    } finally {
      if (taken !== undefined) idle.push(taken);
    }
  };
  const call = (value: unknown): Promise<void> => {
    argument = value;
    return pooled();
  };
  return {
    commands: {
      ...callerCommands(sockets.length === 1 ? roundTrip : pooled),
      ...payloadCommands(call, (value) => Buffer.byteLength(callFrame(1, value))),
    },
    close: () => sockets.forEach((socket) => socket.close()),
  };
}
