import { Router, type Transport } from 'wservice/router';

/** The opening sample of docs/router.md (fixed ports: compiled by the tests, not run). */
export async function startSample(transport: Transport): Promise<void> {
  // #region start
  const router = await Router.start({
    listeners: [
      { type: 'websocket', port: 8080 }, // ws://127.0.0.1:8080/ws
      { type: 'rawsocket', port: 8081 }, // rs://127.0.0.1:8081
      { type: 'rawsocket', path: '/tmp/wamp.sock' }, // unix socket
    ],
  });
  console.log(router.listeners.map((l) => l.url));
  router.attach(transport); // an in-process peer (createInProcessPair)
  await router.stop(); // GOODBYE wamp.close.system_shutdown to all
  // #endregion start
}
