import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Module graph of a folder: file (relative to the folder) -> the files it imports there. */
export type ImportGraph = Map<string, Set<string>>;

/**
 * Every module each `.ts` file under `root` imports from under `root`, read with the
 * TypeScript parser: value and type-only imports (`import type`, `import { type X }`),
 * re-exports (`export ... from`), `import('./x').T` type references, `require` and dynamic
 * `import()` all count, since each makes one module depend on the other.
 */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of typeScriptFiles(root)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const targets = new Set<string>();
    for (const specifier of moduleSpecifiers(source)) {
      const target = resolveRelative(dirname(file), specifier);
      if (target !== undefined && isInside(root, target)) targets.add(relative(root, target));
    }
    graph.set(relative(root, file), targets);
  }
  return graph;
}

/** Files that import each other in a circle, directly or through one another. */
export interface ImportCycle {
  /** Every file of the strongly connected component, sorted. */
  readonly files: string[];
  /** One shortest cycle through its first file: `a.ts -> b.ts -> a.ts`. */
  readonly path: string[];
}

/**
 * The import cycles of `graph`, one per strongly connected component (Tarjan), sorted so a
 * failure reads the same every run.
 */
export function importCycles(graph: ImportGraph): ImportCycle[] {
  return stronglyConnected(graph)
    .filter((component) => component.length > 1 || graph.get(component[0])!.has(component[0]))
    .map((files) => ({ files, path: cycleThrough(graph, new Set(files)) }))
    .sort((a, b) => a.files[0].localeCompare(b.files[0]));
}

/** One line per cycle, for a test failure: the example path, then every file involved. */
export function describeCycle(cycle: ImportCycle): string {
  return `${cycle.path.join(' -> ')} (a cycle among ${cycle.files.length} files: ${cycle.files.join(', ')})`;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function moduleSpecifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node !== undefined && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      literal(node.moduleReference.expression);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      literal(node.argument.literal);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      literal(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `./x` -> `<dir>/x.ts` or `<dir>/x/index.ts`; package imports are outside any folder of ours. */
function resolveRelative(dir: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dir, specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot resolve "${specifier}" from ${dir}`);
}

function isInside(root: string, file: string): boolean {
  const path = relative(root, file);
  return !path.startsWith('..') && path !== '';
}

function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)!) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components;
}

/** A shortest cycle from the component's first file back to it, staying inside the component. */
function cycleThrough(graph: ImportGraph, component: Set<string>): string[] {
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of [...graph.get(node)!].sort()) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}
