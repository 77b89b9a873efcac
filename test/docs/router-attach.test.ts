import type { AddressInfo } from 'node:net';
import { Router } from '../../src/router';
import { get } from 'node:http';
import { connect } from '../../src';
import { connectLines, serveLines } from '../../docs/snippets/custom-transport';
import { appWithRouter, expressWithRouter, fastifyWithRouter } from '../../docs/snippets/shared-server';

describe('docs/router.md: the router inside your HTTP server', () => {
  it('serves WAMP at /wamp and the application elsewhere, on one port', async () => {
    const { server, router, url } = await appWithRouter();
    try {
      const client = await connect(url);
      expect(client.session?.realm).toBe('realm1');
      await client.close();
      const port = (server.address() as AddressInfo).port;
      const body = await new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(body).toBe('the application');
    } finally {
      await router.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

function getText(port: number, path: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

describe('docs/router.md: the router inside Express and Fastify', () => {
  it("Express: WAMP at /wamp of app.listen()'s server, the app at /hello", async () => {
    const { server, router, url } = await expressWithRouter();
    try {
      const client = await connect(url);
      expect(client.session?.realm).toBe('realm1');
      await client.close();
      const port = (server.address() as AddressInfo).port;
      await expect(getText(port, '/hello')).resolves.toBe('{"hello":"from express"}');
    } finally {
      await router.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Fastify: WAMP at /wamp of fastify.server, the app at /hello', async () => {
    const { app, router, url } = await fastifyWithRouter();
    try {
      const client = await connect(url);
      expect(client.session?.realm).toBe('realm1');
      await client.close();
      const port = (app.server.address() as AddressInfo).port;
      await expect(getText(port, '/hello')).resolves.toBe('{"hello":"from fastify"}');
    } finally {
      await router.stop();
      await app.close();
    }
  });
});

describe('docs/router.md: a transport of your own', () => {
  it('carries sessions both ways over newline-delimited JSON on TCP', async () => {
    const router = await Router.start({});
    const server = serveLines(router);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const callee = await connectLines(port);
      await callee.register('lines.upper', ([text]) => String(text).toUpperCase());
      const caller = await connectLines(port);
      await expect(caller.call('lines.upper', ['over lines'])).resolves.toBe('OVER LINES');
      await caller.close();
      await callee.close();
    } finally {
      await router.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
