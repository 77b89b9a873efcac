import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Something found in a source file: where, and its text. */
export interface SourceItem {
  /** Relative to the repository root, with `/`. */
  file: string;
  line: number;
  /** A literal's value (the text of a string, the digits of a number) or a class's name. */
  value: string;
}

const root = path.resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return tsFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Walks every node of the `.ts` files under `dirs` with TypeScript's parser: comments never count. */
function collect(dirs: string[], pick: (node: ts.Node) => string | undefined): SourceItem[] {
  const found: SourceItem[] = [];
  for (const file of dirs.flatMap(tsFiles)) {
    const source = ts.createSourceFile(
      file,
      readFileSync(path.join(root, file), 'utf8'),
      ts.ScriptTarget.Latest,
    );
    const visit = (node: ts.Node): void => {
      const value = pick(node);
      if (value !== undefined) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push({ file, line: line + 1, value });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** Every string, whole template and number literal in the `.ts` files under `dirs`. */
export function sourceLiterals(...dirs: string[]): SourceItem[] {
  return collect(dirs, (node) =>
    ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || ts.isTemplateLiteralToken(node)
      ? node.text
      : undefined,
  );
}

/** Every class declared `extends <base>` in the `.ts` files under `dirs`. */
export function classesExtending(base: string, ...dirs: string[]): SourceItem[] {
  return collect(dirs, (node) => {
    if (!ts.isClassDeclaration(node) || node.name === undefined) return undefined;
    const extended = node.heritageClauses
      ?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)
      ?.types.some((type) => ts.isIdentifier(type.expression) && type.expression.text === base);
    return extended ? node.name.text : undefined;
  });
}
