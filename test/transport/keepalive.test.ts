import { checkKeepAliveOptions, KeepAlive } from '../../src/transport/keepalive';
import { TransportError } from '../../src/transport/transport';

describe('KeepAlive', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function heartbeat(interval = 100, timeout = 40) {
    const pings: number[] = [];
    const expired: TransportError[] = [];
    const keepAlive = new KeepAlive(
      { interval, timeout },
      () => pings.push(Date.now()),
      (err) => expired.push(err),
    );
    return { keepAlive, pings, expired };
  }

  it('pings once per interval while pongs come back', () => {
    const { keepAlive, pings, expired } = heartbeat();
    const start = Date.now();
    keepAlive.start();
    jest.advanceTimersByTime(100);
    for (let i = 0; i < 4; i++) {
      // The pong comes 10 ms after each ping; the next ping is still due one interval after the last.
      jest.advanceTimersByTime(10);
      keepAlive.pong();
      jest.advanceTimersByTime(90);
    }
    expect(pings.map((t) => t - start)).toEqual([100, 200, 300, 400, 500]);
    expect(expired).toEqual([]);
    expect(jest.getTimerCount()).toBe(1);
    keepAlive.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('expires once, with a TransportError, when no pong arrives within the timeout', () => {
    const { keepAlive, pings, expired } = heartbeat();
    keepAlive.start();
    jest.advanceTimersByTime(139);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ name: 'TransportError', code: 'KEEPALIVE_TIMEOUT' });
    jest.advanceTimersByTime(1000);
    expect(pings).toHaveLength(1);
    expect(expired).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores a pong nobody asked for', () => {
    const { keepAlive, pings } = heartbeat();
    keepAlive.start();
    keepAlive.pong();
    jest.advanceTimersByTime(100);
    expect(pings).toHaveLength(1);
    keepAlive.stop();
  });

  it('rejects settings that cannot work, naming the option', () => {
    expect(() => checkKeepAliveOptions({ interval: 100, timeout: -1 })).toThrow(/keepAlive\.timeout/);
    expect(() => checkKeepAliveOptions({ interval: Number.NaN, timeout: 1 })).toThrow(/keepAlive\.interval/);
    expect(() => checkKeepAliveOptions(undefined)).not.toThrow();
  });
});
