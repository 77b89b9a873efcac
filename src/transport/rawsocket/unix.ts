import { lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { TransportError } from '../transport';

/**
 * Makes `path` free for a new unix socket: a socket file left behind by a crashed process is
 * removed; a live one (something answers) or a file that is not a socket is an error.
 */
export async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!isSocket) {
    throw new TransportError(`cannot listen on unix:${path}: the file exists and is not a socket`, 'EEXIST');
  }
  if (await answers(path)) {
    throw new TransportError(
      `cannot listen on unix:${path}: another server is listening there`,
      'EADDRINUSE',
    );
  }
  await removeSocketFile(path);
}

/** Removes a socket file; one already gone is fine. */
export async function removeSocketFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
