import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const snippets = require(join(__dirname, '..', '..', 'scripts', 'docs-snippets.js')) as { check(): string[] };

describe('documentation samples', () => {
  it('are taken from files the tests compile or run (npm run docs:sync refreshes them)', () => {
    expect(snippets.check()).toEqual([]);
  });
});
