import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { CLIENT_ROLES } from '../../src/client/features';
import { openClient } from '../lib/wservice';
import type { Role } from './entry';

/** Just under the largest message our router accepts by default (16 MiB): what the attackers aim at. */
const MAX_MESSAGE = 16 * 1024 * 1024 - 1;
const HELLO = Buffer.from(JSON.stringify([1, 'realm1', { roles: CLIENT_ROLES, agent: 'hostile' }]));
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** The memory attacks of issue 11, one per hostile session, round robin. */
const ATTACKS = [
  'unfinished-ws',
  'unfinished-rs',
  'ping-flood',
  'paused-subscriber',
  'paused-caller',
] as const;
type Attack = (typeof ATTACKS)[number];

function tcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The next chunk the router sends, or its close (a cap may close a link mid-handshake). */
function reply(socket: Socket): Promise<unknown> {
  // A link the router closed while the caller was busy emitted 'close' already.
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('data', resolve);
    socket.once('close', resolve);
  });
}

/** A masked WebSocket frame header with an all-zero key (the payload goes as is). */
function wsHeader(opcode: number, length: number): Buffer {
  const head = Buffer.alloc(14);
  head[0] = 0x80 | opcode;
  if (length < 126) {
    head[1] = 0x80 | length;
    return head.subarray(0, 6);
  }
  if (length < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(length, 2);
    return head.subarray(0, 8);
  }
  head[1] = 0x80 | 127;
  head.writeBigUInt64BE(BigInt(length), 2);
  return head;
}

function rsPrefix(type: number, length: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(((type << 24) | (length & 0xffffff)) >>> 0);
  return prefix;
}

/** An upgraded, joined raw WebSocket (JSON). */
async function rawWebSocket(port: number): Promise<Socket> {
  const socket = await tcp(port);
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Protocol: wamp.2.json\r\n\r\n`,
  );
  await reply(socket);
  socket.write(Buffer.concat([wsHeader(1, HELLO.length), HELLO]));
  await reply(socket);
  return socket;
}

/** A raw RawSocket after its handshake (JSON, 16 MiB), joined when `join`. */
async function rawSocket(port: number, join: boolean): Promise<Socket> {
  const socket = await tcp(port);
  socket.write(Buffer.from([0x7f, 0xf1, 0, 0]));
  await reply(socket);
  if (join) {
    socket.write(Buffer.concat([rsPrefix(0, HELLO.length), HELLO]));
    await reply(socket);
  }
  return socket;
}

/** Writes `total` bytes of padding as fast as the socket takes them, unless it closes. */
async function stream(socket: Socket, total: number): Promise<void> {
  for (let sent = 0; sent < total && !socket.destroyed; sent += CHUNK.length) {
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, total - sent));
    if (!socket.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * 100 (by default) hostile sessions doing every memory attack at once against a router:
 * unfinished messages of the maximum size over WebSocket and RawSocket, RawSocket PING floods
 * without reading, paused subscribers of an event flood, paused callers of large results, plus
 * idle sockets that never upgrade. `start` launches them; `status` says how many of the
 * attackers' links the router has closed.
 */
export default async function hostile(args: Record<string, unknown>): Promise<Role> {
  const ws = Number(new URL(String(args.ws)).port);
  const rs = Number(new URL(String(args.rs).replace('rs://', 'http://')).port);
  const sessions = Number(args.sessions ?? 100);
  const attacks = Array.isArray(args.attacks) ? (args.attacks as Attack[]) : ATTACKS;
  const idleSockets = Number(args.idleSockets ?? 300);
  const sockets: Socket[] = [];
  const helper = await openClient({ url: String(args.ws) });
  const big = 'x'.repeat(512 * 1024);
  await helper.register('hostile.big', () => big);
  let flooding = true;

  async function launch(attack: Attack): Promise<void> {
    switch (attack) {
      case 'unfinished-ws': {
        const s = await rawWebSocket(ws);
        sockets.push(s);
        s.write(wsHeader(1, MAX_MESSAGE));
        return stream(s, MAX_MESSAGE - 1);
      }
      case 'unfinished-rs': {
        const s = await rawSocket(rs, true);
        sockets.push(s);
        s.write(rsPrefix(0, MAX_MESSAGE));
        return stream(s, MAX_MESSAGE - 1);
      }
      case 'ping-flood': {
        const s = await rawSocket(rs, false);
        sockets.push(s);
        s.pause();
        const ping = Buffer.concat([rsPrefix(1, 1024 * 1024), Buffer.alloc(1024 * 1024)]);
        for (let i = 0; i < 300 && !s.destroyed; i++) {
          if (!s.write(ping)) await new Promise((resolve) => setTimeout(resolve, 2));
        }
        return;
      }
      case 'paused-subscriber': {
        const s = await rawWebSocket(ws);
        sockets.push(s);
        const subscribe = Buffer.from(JSON.stringify([32, 1, {}, 'hostile.flood']));
        s.write(Buffer.concat([wsHeader(1, subscribe.length), subscribe]));
        s.pause();
        return;
      }
      case 'paused-caller': {
        const s = await rawWebSocket(ws);
        sockets.push(s);
        s.pause();
        for (let i = 1; i <= 300; i++) {
          const call = Buffer.from(JSON.stringify([48, i, {}, 'hostile.big']));
          s.write(Buffer.concat([wsHeader(1, call.length), call]));
        }
        return;
      }
    }
  }

  async function flood(): Promise<void> {
    const payload = 'e'.repeat(1024);
    while (flooding) {
      for (let i = 0; i < 500; i++) void helper.publish('hostile.flood', [payload]).catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    commands: {
      start: async () => {
        // Idle sockets that never upgrade, against the pending-connection caps.
        for (let i = 0; i < idleSockets; i++) sockets.push(await tcp(ws));
        void flood();
        await Promise.allSettled(
          Array.from({ length: sessions }, (_, i) => launch(attacks[i % attacks.length])),
        );
        return sockets.length;
      },
      status: () => ({ links: sockets.length, closed: sockets.filter((s) => s.destroyed).length }),
    },
    close: async () => {
      flooding = false;
      for (const s of sockets) s.destroy();
      await helper.close();
    },
  };
}
