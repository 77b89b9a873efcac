import type { MatchPolicy } from '../../src/protocol';
import { UriPatternMap } from '../../src/router/uri-pattern-map';

interface Entry {
  uri: string;
  match: MatchPolicy;
  name: string;
}

function mapOf(entries: [string, MatchPolicy, string][]): UriPatternMap<Entry> {
  const map = new UriPatternMap<Entry>();
  for (const [uri, match, name] of entries) map.set({ uri, match, name });
  return map;
}

describe('UriPatternMap.best (spec: pattern-based registration precedence)', () => {
  // The spec's own example, registrations 1 to 7.
  const map = mapOf([
    ['a1.b2.c3.d4.e55', 'exact', '1'],
    ['a1.b2.c3', 'prefix', '2'],
    ['a1.b2.c3.d4', 'prefix', '3'],
    ['a1.b2..d4.e5', 'wildcard', '4'],
    ['a1.b2.c33..e5', 'wildcard', '5'],
    ['a1.b2..d4.e5..g7', 'wildcard', '6'],
    ['a1.b2..d4..f6.g7', 'wildcard', '7'],
  ]);

  it.each([
    ['a1.b2.c3.d4.e55', '1'],
    ['a1.b2.c3.d98.e74', '2'],
    ['a1.b2.c3.d4.e325', '3'],
    ['a1.b2.c55.d4.e5', '4'],
    ['a1.b2.c88.d4.e5.f6.g7', '6'],
  ])('routes %s to registration %s', (uri, expected) => {
    expect(map.best(uri)?.name).toBe(expected);
  });

  it('ranks wildcards by their leading run: a1.b2.c33..e5 beats a1.b2..d4.e5', () => {
    // The spec's example says a1.b2.c33.d4.e5 has "no prefix match", which contradicts its own
    // definition of prefix matching (a plain string prefix: `com.myapp.myobject1-mysubobject1`
    // matches `com.myapp.myobject1`), under which prefix a1.b2.c3 matches it. We follow the
    // definition, as Crossbar.io does; without that prefix, wildcard 5 wins as the example says.
    expect(map.best('a1.b2.c33.d4.e5')?.name).toBe('2');
    const wildcards = mapOf([
      ['a1.b2..d4.e5', 'wildcard', '4'],
      ['a1.b2.c33..e5', 'wildcard', '5'],
    ]);
    expect(wildcards.best('a1.b2.c33.d4.e5')?.name).toBe('5');
  });

  it('finds nothing for a URI no pattern matches', () => {
    expect(map.best('a2.b2.c2.d2.e2')).toBeUndefined();
  });

  it('treats a prefix as a plain string prefix, matching the prefix itself too', () => {
    const prefixes = mapOf([['com.myapp.myobject1', 'prefix', 'p']]);
    expect(prefixes.best('com.myapp.myobject1')?.name).toBe('p');
    expect(prefixes.best('com.myapp.myobject1-mysubobject1')?.name).toBe('p');
    expect(prefixes.best('com.myapp.myobject1.x.y')?.name).toBe('p');
    expect(prefixes.best('com.myapp.myobject')).toBeUndefined();
  });

  it('prefers a wildcard with a longer leading run, whatever the insertion order', () => {
    const wild = mapOf([
      ['.b.c', 'wildcard', 'late'],
      ['a..c', 'wildcard', 'early'],
    ]);
    expect(wild.best('a.b.c')?.name).toBe('early');
  });

  it('forgets deleted entries and their prefix lengths', () => {
    const m = mapOf([
      ['a.b', 'prefix', 'short'],
      ['a.b.c', 'prefix', 'long'],
      ['a..c', 'wildcard', 'w'],
    ]);
    expect(m.best('a.b.c.d')?.name).toBe('long');
    expect(m.delete('a.b.c', 'prefix')).toBe(true);
    expect(m.best('a.b.c.d')?.name).toBe('short');
    expect(m.delete('a.b', 'prefix')).toBe(true);
    expect(m.best('a.x.c')?.name).toBe('w');
    expect(m.delete('a..c', 'wildcard')).toBe(true);
    expect(m.best('a.x.c')).toBeUndefined();
    expect(m.size).toBe(0);
  });

  it('keeps the other edges of a node when its first one is deleted, in any order', () => {
    // A node keeps its first concrete edge in itself and the others in a map: deleting the
    // first moves another into its place.
    const parts = ['a', 'b', 'c'];
    for (const order of [
      ['a', 'b', 'c'],
      ['c', 'b', 'a'],
      ['b', 'a', 'c'],
    ]) {
      const m = mapOf(parts.map((p): [string, MatchPolicy, string] => [`r.${p}.`, 'wildcard', p]));
      const left = new Set(parts);
      for (const gone of order) {
        expect(m.delete(`r.${gone}.`, 'wildcard')).toBe(true);
        left.delete(gone);
        for (const p of parts) expect(m.best(`r.${p}.x`)?.name).toBe(left.has(p) ? p : undefined);
      }
      expect(m.size).toBe(0);
      m.set({ uri: `r.${order[0]}.`, match: 'wildcard', name: 'again' });
      expect(m.best(`r.${order[0]}.y`)?.name).toBe('again');
    }
  });
});

describe('UriPatternMap.matching (broker: every match)', () => {
  it('returns the exact, every prefix and every wildcard match', () => {
    const map = mapOf([
      ['com.x.y', 'exact', 'exact'],
      ['com.x.z', 'exact', 'other'],
      ['com', 'prefix', 'p1'],
      ['com.x', 'prefix', 'p2'],
      ['com..y', 'wildcard', 'w1'],
      ['..y', 'wildcard', 'w2'],
      ['com..y.z', 'wildcard', 'longer'],
    ]);
    expect(
      map
        .matching('com.x.y')
        .map((e) => e.name)
        .sort(),
    ).toEqual(['exact', 'p1', 'p2', 'w1', 'w2']);
  });

  it('lists entries by policy', () => {
    const map = mapOf([
      ['a', 'exact', 'e'],
      ['b', 'prefix', 'p'],
      ['c.', 'wildcard', 'w'],
    ]);
    expect(map.values('prefix').map((e) => e.name)).toEqual(['p']);
    expect(map.values().map((e) => e.name)).toEqual(['e', 'p', 'w']);
    expect(map.get('c.', 'wildcard')?.name).toBe('w');
    expect(map.get('c.', 'exact')).toBeUndefined();
  });
});
