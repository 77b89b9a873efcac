/**
 * A service's contract: what each entrypoint takes and returns, as JSON Schema 2020-12, read
 * from the TypeScript source (`extract.ts`), a contract file beside compiled JavaScript, or,
 * when neither is there, the decorator metadata (`design:paramtypes`).
 */

/** A JSON Schema (2020-12) document or sub-schema; `true` accepts anything. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

/** One parameter of an entrypoint method. */
export interface ParameterContract {
  /** The parameter's name; `arg<i>` for a destructured one. */
  name: string;
  /**
   * The schema of the value on the wire (what a peer sends). Dates are `format: date-time`
   * strings, `bigint` is an integer, `Uint8Array` is bytes (`contentEncoding: base64` in JSON).
   */
  schema: JsonSchema;
  /** False when the parameter is optional (`x?`), has a default or is a rest parameter. */
  required: boolean;
  /** A `...rest` parameter: it takes every remaining positional argument; its schema is one element's. */
  rest: boolean;
  /** The properties of a destructured object parameter: callers may pass them as keyword arguments. */
  properties?: string[];
  /** The default value's source text. */
  default?: string;
  description?: string;
  /** Why the type could not be derived (the schema is then `true`, "any"). */
  fallback?: string;
}

export type EntrypointKind = 'rpc' | 'subscribe' | 'timer';

/** One `@Rpc`, `@Subscribe` or `@Timer` method. */
export interface MethodContract {
  parameters: ParameterContract[];
  /** The schema of the result (a promise's value; for an async generator, of its return value). */
  result: JsonSchema;
  /** An async generator method: its yielded values go to the caller as progressive results. */
  progress?: JsonSchema;
  description?: string;
}

/** Where a contract came from. */
export type ContractSource = 'typescript' | 'contract-file' | 'decorator-metadata';

/** Everything derived about one service class. */
export interface ServiceContract {
  /** The class's name. */
  className: string;
  /** The file the class was declared in, when known. */
  file?: string;
  source: ContractSource;
  description?: string;
  /** By method name. */
  methods: Record<string, MethodContract>;
  /** Named types that refer to themselves, referenced from the schemas as `#/$defs/<name>`. */
  $defs?: Record<string, JsonSchema>;
  /** One line per parameter whose type fell back to "any", or why no source was read. */
  warnings: string[];
}

/** The contract file written beside a compiled service file: `<file>.contract.json`. */
export interface ContractFile {
  wservice: 'contract';
  version: 1;
  /** Class name to contract. */
  services: Record<string, ServiceContract>;
}
