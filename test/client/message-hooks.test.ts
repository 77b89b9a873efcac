import { connect, type Client } from '../../src/client/connect';
import type { MessageHook } from '../../src/client/hooks';
import type { EventInfo } from '../../src/client/types';
import { MessageType, type Message } from '../../src/protocol/messages';
import { Router } from '../../src/router';
import { until } from '../helpers/until';
import { recordingLogger } from './scripted-router';

// Message hooks over a real WebSocket to the embedded router: what a hook leaves is what goes
// on the wire (outbound) or what the session handles (inbound).
describe('message hooks over loopback', () => {
  let router: Router;
  let url: string;
  let callee: Client;
  const clients: Client[] = [];

  beforeAll(async () => {
    router = await Router.start({ listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }] });
    url = router.listeners[0].url;
    callee = await connect(url);
    await callee.register('echo.echo', (args, kwargs, context) => ({
      args,
      kwargs,
      procedure: context.procedure,
    }));
    await callee.register('echo.other', () => 'other');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await callee.close();
    await router.stop();
  });

  async function client(inbound?: MessageHook, outbound?: MessageHook): Promise<Client> {
    const c = await connect({ url, onMessage: { inbound, outbound } });
    clients.push(c);
    return c;
  }

  it('shows the first HELLO and WELCOME when given to connect()', async () => {
    const inbound: Message[] = [];
    const outbound: Message[] = [];
    const c = await client(
      (m) => {
        inbound.push(m);
      },
      (m) => {
        outbound.push(m);
      },
    );
    expect(outbound[0]).toMatchObject({ type: MessageType.HELLO, realm: 'realm1' });
    expect(inbound[0]).toMatchObject({ type: MessageType.WELCOME, session: c.session?.id });
    await c.call('echo.echo', [1]);
    expect(outbound.map((m) => m.type)).toEqual([MessageType.HELLO, MessageType.CALL]);
    expect(inbound.map((m) => m.type)).toEqual([MessageType.WELCOME, MessageType.RESULT]);
  });

  it('sends an outbound message as the hook changed it in place', async () => {
    const c = await client(undefined, (m) => {
      if (m.type !== MessageType.CALL) return;
      m.procedure = 'echo.echo';
      m.args = [...(m.args ?? []), 'added'];
      m.options._trace_id = 'abc';
    });
    await expect(c.call('echo.other', [1])).resolves.toEqual({
      args: [1, 'added'],
      kwargs: {},
      procedure: 'echo.echo',
    });
  });

  it('sends a PUBLISH with options an outbound hook added in place, also to a publish that names none', async () => {
    const subscriber = await client();
    const seen: EventInfo[] = [];
    await subscriber.subscribe('hooks.topic', (_args, _kwargs, info) => {
      seen.push(info);
    });
    const publisher = await client(undefined, (m) => {
      if (m.type === MessageType.PUBLISH) m.options.x_trace_id = 'abc';
    });
    await publisher.publish('hooks.topic', [1]);
    await expect(
      publisher.publish('hooks.topic', [2], undefined, { acknowledge: true }),
    ).resolves.toMatchObject({
      topic: 'hooks.topic',
    });
    await until(() => seen.length === 2);
    expect(seen.map((info) => info.details)).toEqual([{ x_trace_id: 'abc' }, { x_trace_id: 'abc' }]);
  });

  it('sends the message an outbound hook returns instead', async () => {
    const c = await client(undefined, (m) =>
      m.type === MessageType.CALL ? { ...m, args: [], kwargs: { replaced: true } } : undefined,
    );
    await expect(c.call('echo.echo', [1])).resolves.toEqual({
      args: [],
      kwargs: { replaced: true },
      procedure: 'echo.echo',
    });
  });

  it('drops what an outbound hook returns null for, and sends the rest', async () => {
    const received: unknown[] = [];
    await callee.subscribe('news.item', ([text]) => {
      received.push(text);
    });
    const c = await client(undefined, (m) =>
      m.type === MessageType.PUBLISH && m.args?.[0] === 'secret' ? null : undefined,
    );
    await c.publish('news.item', ['secret']);
    await c.publish('news.item', ['public'], {}, { acknowledge: true });
    await until(() => received.length > 0, { what: 'the public event' });
    expect(received).toEqual(['public']);
  });

  it('hands the session an inbound message as the hook changed or replaced it', async () => {
    const c = await client((m) => {
      if (m.type === MessageType.RESULT) return { ...m, args: ['rewritten'], kwargs: {} };
    });
    await expect(c.call('echo.other')).resolves.toBe('rewritten');
  });

  it('drops an inbound message the hook returns null for', async () => {
    const received: unknown[] = [];
    const c = await client((m) =>
      m.type === MessageType.EVENT && m.args?.[0] === 'noise' ? null : undefined,
    );
    await c.subscribe('feed.items', ([text]) => {
      received.push(text);
    });
    await callee.publish('feed.items', ['noise'], {}, { acknowledge: true });
    await callee.publish('feed.items', ['signal'], {}, { acknowledge: true });
    await until(() => received.length > 0, { what: 'the signal event' });
    expect(received).toEqual(['signal']);
  });

  it('lets a message pass as it was when a hook throws, and logs it once', async () => {
    const { logger, lines } = recordingLogger();
    const c = await connect({
      url,
      logger,
      onMessage: {
        outbound: (m) => {
          if (m.type === MessageType.CALL) throw new Error('hook bug');
        },
      },
    });
    clients.push(c);
    await expect(c.call('echo.other')).resolves.toBe('other');
    expect(lines.filter((l) => l.msg.includes('hook threw'))).toHaveLength(1);
  });
});
