import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');
const fixture = 'test/fixtures/lint/async-mistakes.fail.ts';

interface LintMessage {
  line: number;
  ruleId: string | null;
}

/**
 * Lints the fixture with the project's own eslint.config.mjs (in a child process: jest
 * cannot load an ES module config), typed by the fixture's small tsconfig so it stays fast.
 */
async function lintFixture(): Promise<LintMessage[]> {
  const eslint = path.join(root, 'node_modules/eslint/bin/eslint.js');
  const args = [
    eslint,
    '--no-ignore',
    '--format',
    'json',
    '--parser-options',
    'projectService:false',
    '--parser-options',
    'project:test/fixtures/lint/tsconfig.json',
    fixture,
  ];
  // eslint exits 1 when it reports problems, which is what this test expects.
  const output = await promisify(execFile)(process.execPath, args, { cwd: root }).catch(
    (err: { code?: number; stdout?: string }) => {
      if (err.code !== 1 || err.stdout === undefined) throw err;
      return { stdout: err.stdout };
    },
  );
  const [result] = JSON.parse(output.stdout) as { messages: LintMessage[] }[];
  return result.messages;
}

describe('lint: async mistakes', () => {
  it('reports floating and misused promises, and accepts await, .catch and void', async () => {
    const found = (await lintFixture()).map((m) => `${m.line} ${m.ruleId}`);
    const lines = readFileSync(path.join(root, fixture), 'utf8').split('\n');
    const expected = lines.flatMap((text, i) => {
      const bad = /\/\/ BAD ([\w-]+)/.exec(text);
      return bad ? [`${i + 1} @typescript-eslint/${bad[1]}`] : [];
    });
    expect(expected).toHaveLength(4);
    expect(found).toEqual(expected);
  }, 60_000);
});
