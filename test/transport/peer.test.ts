import type { Socket } from 'node:net';
import { describePeer, urlHost } from '../../src/transport/peer';

function socket(remoteAddress: string | undefined, remoteFamily?: string, remotePort?: number): Socket {
  return { remoteAddress, remoteFamily, remotePort } as Socket;
}

describe('describePeer', () => {
  it.each([
    [socket('127.0.0.1', 'IPv4', 50412), undefined, 'tcp4:127.0.0.1:50412'],
    [socket('::1', 'IPv6', 8080), undefined, 'tcp6:[::1]:8080'],
    [socket('::ffff:10.0.0.7', 'IPv6', 9), undefined, 'tcp4:10.0.0.7:9'],
    [socket(undefined), '/tmp/router.sock', 'unix:/tmp/router.sock'],
  ])('names %o as %s', (s, unixPath, expected) => {
    expect(describePeer(s, unixPath)).toBe(expected);
  });
});

describe('urlHost', () => {
  it('brackets IPv6 literals only', () => {
    expect(urlHost('::1')).toBe('[::1]');
    expect(urlHost('[::1]')).toBe('[::1]');
    expect(urlHost('127.0.0.1')).toBe('127.0.0.1');
    expect(urlHost('localhost')).toBe('localhost');
  });
});
