import { createServer, type Server } from 'node:http';
import { Router } from 'wservice/router';

/** The router inside the application's HTTP server (port 0 here so that the tests run it). */
export async function appWithRouter(): Promise<{ server: Server; router: Router; url: string }> {
  // #region listen-on
  const server = createServer((_req, res) => res.end('the application')); // or Express's app
  server.listen(0, '127.0.0.1'); // your port: HTTP and WAMP share it
  const router = await Router.start({ realms: [{ name: 'realm1' }] });
  const endpoint = await router.listenOn(server, { path: '/wamp' }); // ws://127.0.0.1:<port>/wamp
  // #endregion listen-on
  return { server, router, url: endpoint.url };
}
