import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_REALM,
  DEFAULT_ROUTER_URL,
  DEFAULT_WEBSOCKET_PATH,
} from '../src/defaults';
import { sourceLiterals } from './helpers/source-literals';

/** Files where such a value means something else than a default. */
const NOT_DEFAULTS = new Set([
  'src/defaults.ts',
  // The names a page served from this machine has (localhost, 127.0.0.1, [::1]), not where to listen.
  'src/transport/websocket/origin.ts',
]);

describe('defaults', () => {
  it('are Crossbar.io’s, on loopback', () => {
    expect(DEFAULT_ROUTER_URL).toBe('ws://127.0.0.1:8080/ws');
    expect([DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WEBSOCKET_PATH, DEFAULT_REALM]).toEqual([
      '127.0.0.1',
      8080,
      '/ws',
      'realm1',
    ]);
  });

  it('are written only in src/defaults.ts', () => {
    const values = new Set([
      DEFAULT_HOST,
      String(DEFAULT_PORT),
      DEFAULT_WEBSOCKET_PATH,
      DEFAULT_REALM,
      DEFAULT_ROUTER_URL,
    ]);
    const elsewhere = sourceLiterals('src', 'cli')
      .filter((literal) => values.has(literal.value) && !NOT_DEFAULTS.has(literal.file))
      .map((literal) => `${literal.file}:${literal.line} ${literal.value}`);
    expect(elsewhere).toEqual([]);
  });
});
