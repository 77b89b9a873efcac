import { Agent, request } from 'node:http';
import type { RoundTrip } from './workload';

/** One HTTP request of the bench: its URL and JSON body, the status it must answer. */
export interface HttpTarget {
  url: string;
  body: unknown;
  status?: number;
}

/**
 * A round trip of `target` on a keep-alive agent with at most `sockets` connections (the
 * callers' `inFlight` bounds how many requests are out at once). A status other than the
 * expected one, or an answer that is not JSON, fails the run.
 */
export function httpRoundTrip(target: HttpTarget, sockets: number): { roundTrip: RoundTrip; agent: Agent } {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(target.url);
  const payload = Buffer.from(JSON.stringify(target.body));
  const expected = target.status ?? 200;
  const options = {
    agent,
    method: 'POST',
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    headers: { 'content-type': 'application/json', 'content-length': payload.length },
  };
  const roundTrip = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const req = request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== expected)
            reject(new Error(`${target.url} answered ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { roundTrip, agent };
}
