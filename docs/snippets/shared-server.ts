import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import { Router } from 'wservice/router';

/** The router inside the application's HTTP server (port 0 here so that the tests run it). */
export async function appWithRouter(): Promise<{ server: Server; router: Router; url: string }> {
  // #region listen-on
  const server = createServer((_req, res) => res.end('the application'));
  server.listen(0, '127.0.0.1'); // your port: HTTP and WAMP share it
  const router = await Router.start({ realms: [{ name: 'realm1' }] });
  const endpoint = await router.listenOn(server, { path: '/wamp' }); // ws://127.0.0.1:<port>/wamp
  // #endregion listen-on
  return { server, router, url: endpoint.url };
}

/** The same inside an Express application. */
export async function expressWithRouter(): Promise<{ server: Server; router: Router; url: string }> {
  // #region express
  const app = express();
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'from express' });
  });
  const server = app.listen(0, '127.0.0.1'); // app.listen() returns the http.Server
  const router = await Router.start({ realms: [{ name: 'realm1' }] });
  const endpoint = await router.listenOn(server, { path: '/wamp' });
  // #endregion express
  return { server, router, url: endpoint.url };
}

/** The same inside a Fastify instance. */
export async function fastifyWithRouter(): Promise<{ app: FastifyInstance; router: Router; url: string }> {
  // #region fastify
  const app = Fastify();
  app.get('/hello', async () => ({ hello: 'from fastify' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const router = await Router.start({ realms: [{ name: 'realm1' }] });
  const endpoint = await router.listenOn(app.server, { path: '/wamp' }); // fastify.server
  // #endregion fastify
  return { app, router, url: endpoint.url };
}
