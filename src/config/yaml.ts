import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from './errors';

/** A YAML (or JSON, the YAML subset) file read into plain data that can still tell its lines. */
export interface YamlFile {
  readonly file: string;
  /** The document as plain objects, lists and scalars; `null` for an empty file. */
  readonly value: unknown;
  /** The 1-based line of the value at `path`, or of its nearest parent the file has. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/**
 * Reads and parses `file`. Throws `ConfigError` naming the file when it cannot be read, and
 * the file and line of the first syntax error.
 */
export function readYamlFile(file: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`cannot read ${file}: ${describeReadError(reason)}`, { file });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new ConfigError(`${file}:${line}: ${error.message.split('\n')[0]}`, { file, line });
  }
  return { file, value: doc.toJS(), lineOf: (path) => nodeLine(doc, lineCounter, path) };
}

function describeReadError(code: string): string {
  const known: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
  };
  return known[code] ?? code;
}

function nodeLine(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  if (node?.range) return counter.linePos(node.range[0]).line;
  // A missing key: point at the parent.
  return path.length > 0 ? nodeLine(doc, counter, path.slice(0, -1)) : undefined;
}
