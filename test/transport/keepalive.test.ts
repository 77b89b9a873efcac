import {
  checkKeepAliveOptions,
  KeepAlive,
  keepAliveOf,
  DEFAULT_KEEPALIVE,
} from '../../src/transport/keepalive';
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

  it('never pings a link that keeps talking', () => {
    const { keepAlive, pings, expired } = heartbeat();
    keepAlive.start();
    for (let i = 0; i < 50; i++) {
      jest.advanceTimersByTime(30);
      keepAlive.heard();
    }
    expect(pings).toEqual([]);
    expect(expired).toEqual([]);
    expect(jest.getTimerCount()).toBe(1);
    keepAlive.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not count a pause in reading (the router holding a publisher back) as silence', () => {
    const { keepAlive, pings, expired } = heartbeat();
    keepAlive.start();
    keepAlive.suspend(true);
    jest.advanceTimersByTime(1000);
    expect(pings).toEqual([]);
    keepAlive.suspend(false);
    // Resumed, the link has the full interval before a ping, and silence counts again.
    jest.advanceTimersByTime(100);
    expect(pings).toEqual([]);
    jest.advanceTimersByTime(140);
    expect(pings.length).toBe(1);
    jest.advanceTimersByTime(40);
    expect(expired.length).toBe(1);
  });

  it('pings a silent link, and goes on while each ping is answered', () => {
    const { keepAlive, pings, expired } = heartbeat();
    const start = Date.now();
    keepAlive.start();
    for (let i = 0; i < 3; i++) {
      jest.advanceTimersByTime(100);
      // The pong comes 10 ms after the ping; the next ping follows a silent interval later.
      jest.advanceTimersByTime(10);
      keepAlive.heard();
      jest.advanceTimersByTime(30);
    }
    expect(pings.map((t) => t - start)).toEqual([100, 240, 380]);
    expect(expired).toEqual([]);
    keepAlive.stop();
  });

  it('expires once, with a TransportError, when the link stays silent after a ping', () => {
    const { keepAlive, pings, expired } = heartbeat();
    keepAlive.start();
    jest.advanceTimersByTime(139);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ name: 'TransportError', code: 'KEEPALIVE_TIMEOUT' });
    expect(expired[0].message).toMatch(/sent nothing for 140 ms/);
    jest.advanceTimersByTime(1000);
    expect(pings).toHaveLength(1);
    expect(expired).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('is on by default, off with false', () => {
    expect(keepAliveOf(undefined)).toEqual(DEFAULT_KEEPALIVE);
    expect(keepAliveOf(false)).toBeUndefined();
    expect(keepAliveOf({ interval: 5, timeout: 6 })).toEqual({ interval: 5, timeout: 6 });
  });

  it('rejects settings that cannot work, naming the option', () => {
    expect(() => checkKeepAliveOptions({ interval: 100, timeout: -1 })).toThrow(/keepAlive\.timeout/);
    expect(() => checkKeepAliveOptions({ interval: Number.NaN, timeout: 1 })).toThrow(/keepAlive\.interval/);
    expect(() => checkKeepAliveOptions(undefined)).not.toThrow();
    expect(() => checkKeepAliveOptions(false)).not.toThrow();
  });
});
