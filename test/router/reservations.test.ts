import fc from 'fast-check';
import { uriMatches } from '../../src/protocol/uri';
import type { MatchPolicy } from '../../src/protocol';
import { overlaps, type UriReservation } from '../../src/router/authorizer';

const COMPONENTS = ['a', 'b', 'ab'];
const uri = fc.array(fc.constantFrom(...COMPONENTS), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
const pattern: fc.Arbitrary<[string, MatchPolicy]> = fc.oneof(
  uri.map((u) => [u, 'exact'] as [string, MatchPolicy]),
  fc.tuple(uri, fc.constantFrom('', '.')).map(([u, tail]) => [u + tail, 'prefix'] as [string, MatchPolicy]),
  fc
    .array(fc.constantFrom('', ...COMPONENTS), { minLength: 1, maxLength: 4 })
    .filter((parts) => parts.includes(''))
    .map((parts) => [parts.join('.'), 'wildcard'] as [string, MatchPolicy]),
);
const reservation: fc.Arbitrary<UriReservation> = pattern.map(([u, match]) => ({
  uri: u,
  match,
  owner: 'svc',
}));

describe('reserved URIs: which patterns reach them', () => {
  it('says a pattern overlaps a reservation whenever some URI matches both', () => {
    fc.assert(
      fc.property(
        pattern,
        reservation,
        fc.array(uri, { minLength: 1, maxLength: 30 }),
        ([p, match], r, uris) => {
          const witness = uris.find((u) => uriMatches(p, u, match) && uriMatches(r.uri, u, r.match));
          if (witness !== undefined) expect([witness, overlaps(p, match, r)]).toEqual([witness, true]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['orders.place', 'exact', true],
    ['orders.', 'prefix', true],
    ['o', 'prefix', true],
    ['.place', 'wildcard', true],
    ['..', 'wildcard', true],
    ['orders..x', 'wildcard', true],
    ['order', 'exact', false],
    ['orders', 'exact', false],
    ['payments.', 'prefix', false],
    ['p', 'prefix', false],
    ['payments.', 'wildcard', false],
    ['.', 'wildcard', true],
    ['x.', 'wildcard', false],
  ] as const)('%s (%s) reaches the prefix orders.: %s', (p, match, expected) => {
    expect(overlaps(p, match, { uri: 'orders.', match: 'prefix', owner: 'orders' })).toBe(expected);
  });

  it.each([
    ['catalog.books.get', 'exact', true],
    ['catalog.books.list', 'exact', false],
    ['catalog.get', 'exact', false],
    ['catalog.', 'prefix', true],
    ['catalog.books.g', 'prefix', true],
    ['c', 'prefix', true],
    ['catalog.books.get.x', 'prefix', false],
    ['catalog.books.l', 'prefix', false],
    ['shop.', 'prefix', false],
    ['.books.get', 'wildcard', true],
    ['..', 'wildcard', true],
    ['catalog..list', 'wildcard', false],
    ['...', 'wildcard', false],
  ] as const)('%s (%s) reaches the wildcard catalog..get: %s', (p, match, expected) => {
    expect(overlaps(p, match, { uri: 'catalog..get', match: 'wildcard', owner: 'catalog' })).toBe(expected);
  });

  it('matches a prefix reservation that ends mid-component', () => {
    const r: UriReservation = { uri: 'ord', match: 'prefix', owner: 'orders' };
    expect(overlaps('.x', 'wildcard', r)).toBe(true);
    expect(overlaps('orders.x', 'exact', r)).toBe(true);
    expect(overlaps('x.', 'wildcard', r)).toBe(false);
    expect(overlaps('o.', 'wildcard', r)).toBe(false);
  });
});
