import { httpRoundTrip } from '../lib/http-load';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/**
 * HTTP requests to `url` with the JSON `body`, on a keep-alive agent of `sockets` connections
 * (the 100-in-flight workload keeps every one busy): the HTTP rows' caller.
 */
export default function httpCaller(args: Record<string, unknown>): Promise<Role> {
  const { roundTrip, agent } = httpRoundTrip(
    { url: String(args.url), body: args.body },
    Number(args.sockets ?? 100),
  );
  return Promise.resolve({ commands: callerCommands(roundTrip), close: () => agent.destroy() });
}
