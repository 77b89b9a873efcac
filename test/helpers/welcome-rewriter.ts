import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** A WebSocket relay on loopback that edits the router's WELCOME on its way to the client. */
export interface WelcomeRewriter {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Relays every WebSocket (JSON subprotocol) to `target`, passing frames through unchanged but
 * for WELCOME, whose Details `edit` may change: a test's way to play a router that announces
 * fewer features than ours.
 */
export async function startWelcomeRewriter(
  target: string,
  edit: (details: Record<string, unknown>) => void,
): Promise<WelcomeRewriter> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'wamp.2.json' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (client) => {
    const upstream = new WebSocket(target, 'wamp.2.json');
    const queued: RawData[] = [];
    upstream.on('open', () => {
      for (const data of queued.splice(0)) upstream.send(data.toString());
    });
    client.on('message', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data.toString());
      else queued.push(data);
    });
    upstream.on('message', (data) => {
      const text = data.toString();
      const message = JSON.parse(text) as unknown[];
      if (message[0] !== 2) return client.send(text);
      edit(message[2] as Record<string, unknown>);
      client.send(JSON.stringify(message));
    });
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    upstream.on('error', () => client.terminate());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Removes `feature` from the dealer's announced features. */
export function withoutDealerFeature(feature: string): (details: Record<string, unknown>) => void {
  return (details) => {
    const roles = details.roles as { dealer?: { features?: Record<string, unknown> } };
    delete roles.dealer?.features?.[feature];
  };
}
