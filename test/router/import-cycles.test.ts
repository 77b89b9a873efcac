import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeCycle, importCycles, importGraph } from './helpers/import-graph';

const ROUTER = join(__dirname, '../../src/router');

describe('src/router import graph', () => {
  it('has no import cycle, type-only imports included', () => {
    const graph = importGraph(ROUTER);
    // A graph that lost its files or edges would pass vacuously.
    expect(graph.size).toBeGreaterThan(20);
    expect(graph.get('router.ts')).toContain('router-session.ts');
    const cycles = importCycles(graph).map(describeCycle);
    expect(cycles).toEqual([]);
  });
});

describe('importCycles', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'import-graph-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function files(sources: Record<string, string>): void {
    for (const [name, text] of Object.entries(sources)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
  }

  it.each([
    ['import type', "import type { B } from './b';"],
    ['an inline type import', "import { type B } from './b';"],
    ['a re-export', "export { B } from './b';"],
    ['an import() type', "export type X = import('./b').B;"],
    ['a require', "const b = require('./b');"],
  ])('sees a cycle made by %s, naming its files', (_kind, importOfB) => {
    files({
      'a.ts': `${importOfB}\nexport interface A {}\n`,
      'b.ts': "import { c } from './sub';\nexport interface B {}\n",
      'sub/index.ts': "import type { A } from '../a';\nexport const c = 1;\n",
      'leaf.ts': "import type { A } from './a';\nimport { readFileSync } from 'node:fs';\n",
    });
    expect(importCycles(importGraph(root))).toEqual([
      { files: ['a.ts', 'b.ts', 'sub/index.ts'], path: ['a.ts', 'b.ts', 'sub/index.ts', 'a.ts'] },
    ]);
  });

  it('finds nothing in a graph without cycles, and a module importing itself', () => {
    files({ 'a.ts': "import type { B } from './b';\n", 'b.ts': 'export interface B {}\n' });
    expect(importCycles(importGraph(root))).toEqual([]);
    files({ 'b.ts': "import type { B as Self } from './b';\nexport interface B { s?: Self }\n" });
    expect(importCycles(importGraph(root))).toEqual([{ files: ['b.ts'], path: ['b.ts', 'b.ts'] }]);
  });
});
