import { FrameInbox } from '../../src/transport/inbox';
import type { CloseInfo, TransportHandlers } from '../../src/transport/transport';

function recording(): { handlers: TransportHandlers; log: string[] } {
  const log: string[] = [];
  return {
    log,
    handlers: {
      message: (frame) => log.push(`message ${String(frame)}`),
      oversize: (size) => log.push(`oversize ${size}`),
      close: (info) => log.push(`close ${info.code}`),
    },
  };
}

const CLOSE: CloseInfo = { code: 1000, reason: '', wasClean: true };
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('FrameInbox', () => {
  it('holds frames and the close until attach, then delivers them in order, in a microtask', async () => {
    const inbox = new FrameInbox(() => undefined);
    inbox.message('a');
    inbox.message('b');
    inbox.close(CLOSE);
    const { handlers, log } = recording();
    inbox.attach(handlers);
    expect(log).toEqual([]);
    await flush();
    expect(log).toEqual(['message a', 'message b', 'close 1000']);
  });

  it('keeps order for frames that arrive between attach and the flush', async () => {
    const inbox = new FrameInbox(() => undefined);
    inbox.message('a');
    const { handlers, log } = recording();
    inbox.attach(handlers);
    inbox.message('b');
    await flush();
    inbox.message('c');
    expect(log).toEqual(['message a', 'message b', 'message c']);
  });

  it('reports the close exactly once', async () => {
    const inbox = new FrameInbox(() => undefined);
    const { handlers, log } = recording();
    inbox.attach(handlers);
    await flush();
    inbox.close(CLOSE);
    inbox.close({ ...CLOSE, code: 1006 });
    expect(log).toEqual(['close 1000']);
  });

  it('tells a live owner about oversize, not one that has not attached yet', async () => {
    const inbox = new FrameInbox(() => undefined);
    inbox.oversize(10);
    const { handlers, log } = recording();
    inbox.attach(handlers);
    await flush();
    inbox.oversize(20);
    expect(log).toEqual(['oversize 20']);
  });

  it('passes a throwing handler to onHandlerError and goes on', async () => {
    const errors: unknown[] = [];
    const inbox = new FrameInbox((err) => errors.push(err));
    const seen: string[] = [];
    inbox.attach({
      message: (frame) => {
        seen.push(String(frame));
        if (frame === 'bad') throw new Error('owner bug');
      },
      close: () => undefined,
    });
    inbox.message('bad');
    inbox.message('good');
    await flush();
    expect(seen).toEqual(['bad', 'good']);
    expect(errors).toEqual([new Error('owner bug')]);
  });

  it('refuses a second attach', () => {
    const inbox = new FrameInbox(() => undefined);
    inbox.attach(recording().handlers);
    expect(() => inbox.attach(recording().handlers)).toThrow(/attach called twice/);
  });
});
