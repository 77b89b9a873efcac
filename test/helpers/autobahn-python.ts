import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** What autobahn-python got back from one call. */
export type PythonResult =
  { ok: unknown } | { error: string; args: unknown[]; kwargs: Record<string, unknown> };

export interface PythonCall {
  procedure: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

/** How the Python client joins when not anonymously: a ticket, or a WAMP-CRA secret. */
export type PythonAuth = { authmethods: string[]; authid?: string } & (
  { ticket: string } | { secret: string }
);

/** Runs `calls` from Debian's python3-autobahn (/usr/bin/python3) against a router. */
export function callFromPython(
  url: string,
  realm: string,
  calls: PythonCall[],
  serializer: 'json' | 'msgpack' | 'cbor' = 'json',
  auth?: PythonAuth,
): Promise<PythonResult[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/usr/bin/python3',
      [
        join(__dirname, 'autobahn-python.py'),
        url,
        realm,
        serializer,
        ...(auth ? [JSON.stringify(auth)] : []),
      ],
      { timeout: 15000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`autobahn-python failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as PythonResult[]);
      },
    );
    child.stdin!.end(JSON.stringify(calls));
  });
}
