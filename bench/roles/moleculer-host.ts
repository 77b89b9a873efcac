import { addEchoService, moleculerBroker, tcpTransporter } from '../lib/moleculer';
import type { Role } from './entry';

/** A Moleculer node serving `bench.echo` on its TCP transporter (a free port, reported as `url`). */
export default async function moleculerHost(): Promise<Role> {
  const broker = moleculerBroker('host', { transporter: tcpTransporter() });
  addEchoService(broker);
  await broker.start();
  // The TCP reader writes the port it was given back into the transporter's options.
  const { port } = (broker.transit as unknown as { tx: { opts: { port: number } } }).tx.opts;
  return { info: { url: `127.0.0.1:${port}/host` }, close: () => broker.stop() };
}
