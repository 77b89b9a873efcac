import autobahn from 'autobahn';
import express from 'express';
import Fastify from 'fastify';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '../../src/client/connect';
import { Router } from '../../src/router';
import { callFromPython } from '../helpers/autobahn-python';

/**
 * `router.listenOn` on the servers of Express (`app.listen()`) and Fastify (`fastify.server`):
 * WAMP at a path of the application's port, the application's own routes still answering.
 */

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** autobahn-js joins `url`, calls `procedure` with `args`, and leaves. */
async function callWithAutobahn(url: string, procedure: string, args: unknown[]): Promise<unknown> {
  const connection = new autobahn.Connection({ url, realm: 'realm1', max_retries: 0 });
  const session = await new Promise<autobahn.Session>((resolve, reject) => {
    connection.onopen = resolve;
    connection.onclose = (reason) => {
      reject(new Error(reason));
      return true;
    };
    connection.open();
  });
  try {
    return await session.call(procedure, args);
  } finally {
    connection.close();
  }
}

describe('router.listenOn with web frameworks', () => {
  let router: Router;

  beforeEach(async () => {
    router = await Router.start({ realms: [{ name: 'realm1' }] });
  });
  afterEach(() => router.stop());

  it("Express: WAMP on app.listen()'s server, the app's routes and 404s its own", async () => {
    const app = express();
    app.get('/hello', (_req, res) => {
      res.json({ hello: 'from express' });
    });
    const server: Server = app.listen(0, '127.0.0.1');
    try {
      const info = await router.listenOn(server, { path: '/wamp' });
      const port = (server.address() as AddressInfo).port;
      expect(info.url).toBe(`ws://127.0.0.1:${port}/wamp`);
      const callee = await connect(info.url);
      await callee.register('app.add', ([a, b]) => Number(a) + Number(b));
      await expect(callWithAutobahn(info.url, 'app.add', [2, 3])).resolves.toBe(5);
      await expect(
        callFromPython(info.url, 'realm1', [{ procedure: 'app.add', args: [4, 5] }]),
      ).resolves.toEqual([{ ok: 9 }]);
      await expect(httpGet(port, '/hello')).resolves.toEqual({
        status: 200,
        body: JSON.stringify({ hello: 'from express' }),
      });
      // A plain GET of the WAMP path is Express's (its 404), not the router's.
      await expect(httpGet(port, '/wamp')).resolves.toMatchObject({ status: 404 });
      await callee.close();
      await router.stop();
      // The server is the application's: still serving after the router stopped.
      await expect(httpGet(port, '/hello')).resolves.toMatchObject({ status: 200 });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("Fastify: WAMP on fastify.server, attached before it listens, the app's routes its own", async () => {
    const app = Fastify();
    app.get('/hello', async () => ({ hello: 'from fastify' }));
    const attaching = router.listenOn(app.server, { path: '/wamp' }); // waits for listen()
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const info = await attaching;
      const port = (app.server.address() as AddressInfo).port;
      expect(info.url).toBe(`ws://127.0.0.1:${port}/wamp`);
      const callee = await connect(info.url);
      await callee.register('app.upper', ([text]) => String(text).toUpperCase());
      await expect(callWithAutobahn(info.url, 'app.upper', ['fastify'])).resolves.toBe('FASTIFY');
      const caller = await connect(info.url);
      await expect(caller.call('app.upper', ['ours'])).resolves.toBe('OURS');
      await expect(httpGet(port, '/hello')).resolves.toEqual({
        status: 200,
        body: JSON.stringify({ hello: 'from fastify' }),
      });
      await expect(httpGet(port, '/nowhere')).resolves.toMatchObject({ status: 404 });
      await caller.close();
      await callee.close();
      await router.stop();
      await expect(httpGet(port, '/hello')).resolves.toMatchObject({ status: 200 });
    } finally {
      await app.close();
    }
  });
});
