import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRawSocket, listenRawSocket, type Listener, type Transport } from '../../../src/transport';
import { collect, deferred, frameText } from '../helpers';

describe('RawSocket transport over a unix socket', () => {
  let dir: string;
  const cleanup: Array<() => unknown> = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wservice-rs-'));
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  });

  async function listen(
    path: string,
    onTransport: (t: Transport) => void = () => undefined,
  ): Promise<Listener> {
    const listener = await listenRawSocket({ path }, onTransport);
    cleanup.push(() => listener.close());
    return listener;
  }

  it('carries frames both ways and names the peers unix:<path>', async () => {
    const path = join(dir, 'router.sock');
    const server = deferred<Transport>();
    const listener = await listen(path, server.resolve);
    expect(listener).toMatchObject({ url: `unix:${path}`, path, port: undefined });
    const client = await connectRawSocket({ path });
    cleanup.push(() => client.close());
    const atServer = collect(await server.promise);
    const atClient = collect(client);
    expect(client.peer).toBe(`unix:${path}`);
    expect((await server.promise).peer).toBe(`unix:${path}`);
    client.send('[1,"realm1",{}]');
    expect((await atServer.frameCount(1)).map(frameText)).toEqual(['[1,"realm1",{}]']);
    (await server.promise).send('[2,1,{}]');
    expect((await atClient.frameCount(1)).map(frameText)).toEqual(['[2,1,{}]']);
  });

  it('removes the socket file on close', async () => {
    const path = join(dir, 'router.sock');
    const listener = await listen(path);
    expect(existsSync(path)).toBe(true);
    await listener.close();
    expect(existsSync(path)).toBe(false);
  });

  it('replaces a stale socket file left by a process that died', async () => {
    const path = join(dir, 'stale.sock');
    // A child that binds the path and is killed before it can clean up.
    const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    expect(existsSync(path)).toBe(true);
    await expect(connectRawSocket({ path })).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await listen(path);
    const client = await connectRawSocket({ path });
    cleanup.push(() => client.close());
    expect(client.isOpen).toBe(true);
  });

  it('refuses a path where a live server listens', async () => {
    const path = join(dir, 'busy.sock');
    await listen(path);
    await expect(listenRawSocket({ path }, () => undefined)).rejects.toMatchObject({
      name: 'TransportError',
      code: 'EADDRINUSE',
      message: expect.stringContaining(path),
    });
    expect(existsSync(path)).toBe(true);
  });

  it('refuses to replace a file that is not a socket', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'keep me');
    await expect(listenRawSocket({ path }, () => undefined)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(existsSync(path)).toBe(true);
  });

  it('names the file when there is no socket to connect to', async () => {
    const path = join(dir, 'missing.sock');
    await expect(connectRawSocket({ path })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'ENOENT',
      message: `cannot connect to unix:${path}: no such socket file`,
    });
  });
});
