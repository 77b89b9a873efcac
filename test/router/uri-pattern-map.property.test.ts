import fc from 'fast-check';
import type { MatchPolicy } from '../../src/protocol';
import { UriPatternMap } from '../../src/router/uri-pattern-map';

/**
 * The indexed map against the spec's rules written as plainly as possible: every stored
 * pattern scanned, wildcards ranked by the runs of concrete components before each wildcard.
 * Random sets, removals and lookups over a small alphabet, so patterns overlap a lot.
 */
interface Entry {
  uri: string;
  match: MatchPolicy;
}

const COMPONENTS = ['a', 'b', 'c'];
const concrete = fc.array(fc.constantFrom(...COMPONENTS), { minLength: 1, maxLength: 5 });
const pattern: fc.Arbitrary<Entry> = fc.oneof(
  concrete.map((parts) => ({ uri: parts.join('.'), match: 'exact' as const })),
  concrete.map((parts) => ({ uri: parts.join('.'), match: 'prefix' as const })),
  fc
    .array(fc.constantFrom(...COMPONENTS, ''), { minLength: 1, maxLength: 5 })
    .map((parts) => ({ uri: parts.join('.'), match: 'wildcard' as const })),
);
const step = fc.oneof(
  pattern.map((entry) => ({ op: 'set' as const, entry })),
  pattern.map((entry) => ({ op: 'delete' as const, entry })),
);

function matches(entry: Entry, uri: string): boolean {
  if (entry.match === 'exact') return entry.uri === uri;
  if (entry.match === 'prefix') return uri.startsWith(entry.uri);
  const pattern = entry.uri.split('.');
  const parts = uri.split('.');
  return pattern.length === parts.length && pattern.every((p, i) => p === '' || p === parts[i]);
}

function rank(uri: string): number[] {
  return uri.split('.').reduce<number[]>(
    (runs, part) => {
      if (part === '') runs.push(0);
      else runs[runs.length - 1]++;
      return runs;
    },
    [0],
  );
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Exact, then prefixes longest first, then wildcards by rank: the spec's order. */
function ranked(entries: Entry[], uri: string): Entry[] {
  const found = entries.filter((e) => matches(e, uri));
  const of = (match: MatchPolicy) => found.filter((e) => e.match === match);
  return [
    ...of('exact'),
    ...of('prefix').sort((a, b) => b.uri.length - a.uri.length),
    ...of('wildcard').sort((a, b) => compareRanks(rank(b.uri), rank(a.uri))),
  ];
}

describe('UriPatternMap against a scan of every pattern (fast-check)', () => {
  it('best, ranked and matching agree with the spec after any sequence of sets and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.array(concrete, { minLength: 1, maxLength: 20 }),
        (steps, uris) => {
          const map = new UriPatternMap<Entry>();
          const stored = new Map<string, Entry>();
          for (const { op, entry } of steps) {
            const key = `${entry.match} ${entry.uri}`;
            if (op === 'set') {
              map.set(entry);
              stored.set(key, entry);
            } else {
              expect(map.delete(entry.uri, entry.match)).toBe(stored.delete(key));
            }
          }
          const entries = [...stored.values()];
          expect(map.size).toBe(entries.length);
          for (const parts of uris) {
            const uri = parts.join('.');
            const expected = ranked(entries, uri);
            expect(map.ranked(uri)).toEqual(expected);
            expect(map.best(uri)).toEqual(expected[0]);
            expect(new Set(map.matching(uri))).toEqual(new Set(expected));
          }
          for (const entry of entries) expect(map.get(entry.uri, entry.match)).toBe(entry);
        },
      ),
      { numRuns: 300 },
    );
  });
});
