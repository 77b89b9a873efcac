import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from '../../src/protocol/serializer';
import type { ServerTlsOptions } from '../../src/transport/tls';
import type { CloseInfo, Transport } from '../../src/transport/transport';

/** What a test sees of a transport: frames in order, oversize calls, the close (counted). */
export interface Collected {
  frames: Frame[];
  oversizes: number[];
  closes: CloseInfo[];
  closed: Promise<CloseInfo>;
  /** Resolves once `count` frames have arrived in total. */
  frameCount(count: number): Promise<Frame[]>;
}

/** Attaches to `transport` and records everything; `onOversize` runs inside the hook. */
export function collect(transport: Transport, onOversize?: (size: number) => void): Collected {
  const waiters: Array<{ count: number; resolve: (frames: Frame[]) => void }> = [];
  let resolveClosed!: (info: CloseInfo) => void;
  const collected: Collected = {
    frames: [],
    oversizes: [],
    closes: [],
    closed: new Promise((resolve) => (resolveClosed = resolve)),
    frameCount(count) {
      if (collected.frames.length >= count) return Promise.resolve(collected.frames);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
  transport.attach({
    message(frame) {
      collected.frames.push(frame);
      for (const w of waiters.filter((w) => collected.frames.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(collected.frames);
      }
    },
    oversize(size) {
      collected.oversizes.push(size);
      onOversize?.(size);
    },
    close(info) {
      collected.closes.push(info);
      resolveClosed(info);
    },
  });
  return collected;
}

/** A promise plus the function that settles it: for "wait until the server saw X". */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const TLS_DIR = join(__dirname, '..', 'fixtures', 'tls');

/** The test PKI in test/fixtures/tls. */
export const tlsFixtures = {
  ca: readFileSync(join(TLS_DIR, 'ca.crt')),
  serverCert: readFileSync(join(TLS_DIR, 'server.crt')),
  serverKey: readFileSync(join(TLS_DIR, 'server.key')),
  clientCert: readFileSync(join(TLS_DIR, 'client.crt')),
  clientKey: readFileSync(join(TLS_DIR, 'client.key')),
};

/** Server TLS settings from the fixtures; `requestCert` asks clients for a certificate (mutual TLS). */
export function serverTls(requestCert: boolean): ServerTlsOptions {
  return { cert: tlsFixtures.serverCert, key: tlsFixtures.serverKey, ca: tlsFixtures.ca, requestCert };
}

/**
 * Steps to undo after each test of the calling `describe` (servers, clients, sockets), run
 * last-registered first so clients close before their servers.
 */
export function cleanupAfterEach(): Array<() => unknown> {
  const steps: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  return steps;
}

/** Bytes of a frame as it travelled (text frames as UTF-8). */
export function frameText(frame: Frame): string {
  if (typeof frame === 'string') return frame;
  if (frame instanceof Uint8Array) return Buffer.from(frame).toString('utf8');
  throw new Error('not a serialized frame');
}
