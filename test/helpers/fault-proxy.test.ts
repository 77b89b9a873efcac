import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { FaultProxy } from './fault-proxy';

/** The proxy itself, over an echo server on loopback. */
describe('FaultProxy', () => {
  let echo: Server;
  let proxy: FaultProxy;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    echo = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await FaultProxy.start((echo.address() as AddressInfo).port);
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await proxy.stop();
    await new Promise((resolve) => echo.close(resolve));
  });

  async function client(): Promise<{ socket: Socket; received: () => string; ended: Promise<string> }> {
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    sockets.push(socket);
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    const ended = new Promise<string>((resolve) => {
      socket.on('error', (err: Error & { code?: string }) => resolve(err.code ?? 'error'));
      socket.on('end', () => resolve('fin'));
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    return { socket, received: () => text, ended };
  }

  const until = async (check: () => boolean): Promise<void> => {
    while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('forwards both ways, and holds everything while frozen without closing', async () => {
    const c = await client();
    c.socket.write('one');
    await until(() => c.received() === 'one');
    proxy.freeze();
    c.socket.write('two');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.received()).toBe('one');
    expect(proxy.linkCount).toBe(1);
    proxy.thaw();
    await until(() => c.received() === 'onetwo');
  });

  it('delays each chunk, keeping order', async () => {
    const c = await client();
    proxy.delay(150);
    const start = Date.now();
    c.socket.write('a');
    c.socket.write('b');
    await until(() => c.received() === 'ab');
    // Out and back: two delayed hops.
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
  });

  it('resets a link with RST and cuts one with FIN', async () => {
    const first = await client();
    proxy.reset();
    expect(await first.ended).toBe('ECONNRESET');
    const second = await client();
    proxy.cut();
    expect(await second.ended).toBe('fin');
  });

  it('refuses new connections until told to accept again', async () => {
    proxy.refuse();
    const refused = connect({ host: '127.0.0.1', port: proxy.port });
    sockets.push(refused);
    const outcome = await new Promise<string>((resolve) => {
      refused.on('error', (err: Error & { code?: string }) => resolve(err.code ?? 'error'));
      refused.on('close', () => resolve('closed'));
    });
    expect(['ECONNRESET', 'closed']).toContain(outcome);
    proxy.accept();
    const c = await client();
    c.socket.write('back');
    await until(() => c.received() === 'back');
  });
});
