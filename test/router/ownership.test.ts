import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/router-ownership/outside.fail.ts');

/** The type errors of one file, checked with the project's compiler options. */
function typeErrors(file: string): ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const program = ts.createProgram([file], { ...config.options, noEmit: true });
  // This file's diagnostics only: checking the whole program would take far longer.
  const source = program.getSourceFile(file)!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
}

describe('router state ownership', () => {
  it('makes tsc refuse outside changes to a session, its indexes and the realm parts, and nothing else', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    const refused = lines.flatMap((line, i) => (line.endsWith('// refused') ? [i + 1] : []));
    expect(refused.length).toBeGreaterThan(15);
    const errors = typeErrors(FIXTURE).map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start!);
      return { line: line + 1, text: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
    });
    const failing = [...new Set(errors.map((e) => e.line))];
    // One or more errors on every refused line, none elsewhere (say which if not).
    expect({ failing, errors: errors.filter((e) => !refused.includes(e.line)) }).toEqual({
      failing: refused,
      errors: [],
    });
  }, 60_000);
});
