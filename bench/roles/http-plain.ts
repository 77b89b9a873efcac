import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Role } from './entry';

/** What the @Http route and the bridge do per request, written by hand: the floor of the HTTP rows. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let text: unknown;
    try {
      text = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown }).text;
    } catch {
      text = undefined;
    }
    const ok = req.method === 'POST' && req.url === '/echo' && typeof text === 'string';
    const body = JSON.stringify(ok ? text : { error: 'wamp.error.invalid_argument' });
    res.writeHead(ok ? 200 : 400, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
}

/** A plain `node:http` server answering `POST /echo {"text": ...}` with the text as JSON. */
export default async function httpPlain(): Promise<Role> {
  const server = createServer(echo);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    info: { url: `http://127.0.0.1:${port}` },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
