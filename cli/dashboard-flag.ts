import type { ListenerOptions } from '../src/router/options';
import { RouterOptionsError } from '../src/router/options-check';

/**
 * `--dashboard`: the listeners with the dashboard (joining `realm`) on the first WebSocket one,
 * unless one serves it already.
 */
export function withDashboard(listeners: readonly ListenerOptions[], realm?: string): ListenerOptions[] {
  if (listeners.some((l) => l.type === 'websocket' && l.dashboard !== undefined)) return [...listeners];
  const index = listeners.findIndex((l) => l.type === 'websocket');
  if (index === -1)
    throw new RouterOptionsError(
      'listeners',
      'the dashboard needs a WebSocket listener (it is served over HTTP)',
    );
  const dashboard = realm === undefined ? true : { realm };
  return listeners.map((l, i) => (i === index ? { ...l, dashboard } : l));
}
