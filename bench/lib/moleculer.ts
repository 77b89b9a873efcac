import { ServiceBroker, type BrokerOptions } from 'moleculer';

/** Moleculer as its benchmarks run it: no logger, metrics or tracing; JSON over the transporter. */
export function moleculerBroker(nodeID: string, options: BrokerOptions = {}): ServiceBroker {
  return new ServiceBroker({ nodeID, logger: false, metrics: false, tracing: false, ...options });
}

/** `bench.echo(text)` as a Moleculer action: returns its argument. */
export function addEchoService(broker: ServiceBroker): void {
  broker.createService({
    name: 'bench',
    actions: {
      echo: (ctx: { params: { text: string } }) => ctx.params.text,
    },
  });
}

/** The TCP transporter without UDP discovery: the node at `urls` (`host:port/nodeID`) is found from its address. */
export function tcpTransporter(urls?: string): BrokerOptions['transporter'] {
  return { type: 'TCP', options: { udpDiscovery: false, port: 0, ...(urls === undefined ? {} : { urls }) } };
}
