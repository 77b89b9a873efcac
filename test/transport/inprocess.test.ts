import type { Frame } from '../../src/protocol/serializer';
import { createInProcessPair } from '../../src/transport';
import type { CloseInfo } from '../../src/transport/transport';
import { until } from '../helpers/until';

describe('in-process transport', () => {
  it('holds received frames while reading is paused, delivers them in order once resumed, and a close anyway', async () => {
    const [client, router] = createInProcessPair();
    const received: Frame[] = [];
    let closed: CloseInfo | undefined;
    router.attach({ message: (frame) => received.push(frame), close: (info) => (closed = info) });
    client.send([1]);
    await until(() => received.length === 1);
    router.pauseReading!();
    client.send([2]);
    client.send([3]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([[1]]);
    router.resumeReading!();
    await until(() => received.length === 3);
    expect(received).toEqual([[1], [2], [3]]);

    // Paused while a message handler runs: the rest of the batch waits.
    received.length = 0;
    router.attach({
      message: (frame) => {
        received.push(frame);
        router.pauseReading!();
      },
      close: (info) => (closed = info),
    });
    client.send([4]);
    client.send([5]);
    await until(() => received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([[4]]);
    // A link that closes delivers what it holds, then the close, paused or not.
    client.close(1000, 'bye');
    await until(() => closed !== undefined);
    expect(received).toEqual([[4], [5]]);
    expect(closed).toMatchObject({ code: 1000, reason: 'bye' });
  });
});
