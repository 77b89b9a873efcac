import { ErrorCode, WServiceError } from '../errors';
import { isValidUri } from '../protocol/uri';

/** One step of an option path: a key, or a list index. */
export type OptionPathSegment = string | number;

/** A router option is missing, of the wrong type or out of range; `key` names it. */
export class RouterOptionsError extends WServiceError {
  readonly code = ErrorCode.ROUTER_OPTIONS;
  /** Path of the offending option, e.g. `realms[0].roles[1].name` (`(root)` for the whole). */
  readonly key: string;
  /** The same path as segments (`['realms', 0, 'roles', 1, 'name']`), to find it in a file. */
  readonly path: readonly OptionPathSegment[];
  /** What is wrong with it, without the key. */
  readonly problem: string;

  constructor(key: string | readonly OptionPathSegment[], problem: string) {
    const path = typeof key === 'string' ? parseOptionPath(key) : key;
    const name = (typeof key === 'string' ? key : formatOptionPath(key)) || '(root)';
    super(`router option ${name}: ${problem}`);
    this.name = 'RouterOptionsError';
    this.key = name;
    this.path = path;
    this.problem = problem;
  }
}

/** `['realms', 0, 'name']` -> `realms[0].name`. */
export function formatOptionPath(path: readonly OptionPathSegment[]): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === 'number' ? `${text}[${segment}]` : text === '' ? segment : `${text}.${segment}`,
    '',
  );
}

/** `realms[0].name` -> `['realms', 0, 'name']` (names holding dots or brackets split wrongly). */
function parseOptionPath(key: string): OptionPathSegment[] {
  const path: OptionPathSegment[] = [];
  for (const part of key.split('.')) {
    const [name, ...indexes] = part.split('[');
    if (name !== '') path.push(name);
    for (const index of indexes) path.push(Number.parseInt(index, 10));
  }
  return path;
}

/**
 * Walks an untrusted options value, one key at a time, throwing `RouterOptionsError` with the
 * full path of the first wrong entry. Keeps the validators in options.ts declarative.
 */
export class Check {
  constructor(
    readonly value: unknown,
    readonly path: readonly OptionPathSegment[] = [],
  ) {}

  /** This value must be a plain object whose keys are all in `allowed`. */
  object(allowed: readonly string[]): void {
    if (!isPlainObject(this.value)) throw new RouterOptionsError(this.path, 'must be an object');
    for (const key of Object.keys(this.value)) {
      if (!allowed.includes(key)) {
        throw new RouterOptionsError(
          this.key(key),
          `unknown option (expected one of: ${allowed.join(', ')})`,
        );
      }
    }
  }

  string(key: string, allowEmpty = false): string {
    const value = this.get(key);
    if (typeof value !== 'string' || (!allowEmpty && value === '')) {
      throw this.error(key, allowEmpty ? 'must be a string' : 'must be a non-empty string');
    }
    return value;
  }

  optionalString(key: string): void {
    if (this.get(key) !== undefined) this.string(key);
  }

  /** A valid URI (the loose rule of the spec). */
  uri(key: string): void {
    const value = this.string(key);
    if (!isValidUri(value)) throw this.error(key, `"${value}" is not a valid URI`);
  }

  optionalBoolean(key: string): void {
    const value = this.get(key);
    if (value !== undefined && typeof value !== 'boolean') throw this.error(key, 'must be true or false');
  }

  optionalInteger(key: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
    const value = this.get(key);
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
      throw this.error(key, `must be an integer ${range}`);
    }
  }

  /** One of `values`; `key` undefined checks this value itself (a list item). */
  enumValue<T extends string>(
    key: string | undefined,
    values: readonly T[],
    required: boolean,
  ): T | undefined {
    const value = key === undefined ? this.value : this.get(key);
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !values.includes(value as T)) {
      const problem = `must be one of ${values.map((v) => `"${v}"`).join(', ')}`;
      throw this.error(key, problem);
    }
    return value as T;
  }

  optional(key: string, validate: (c: Check) => void): void {
    if (this.get(key) !== undefined) validate(new Check(this.get(key), this.key(key)));
  }

  required(key: string, validate: (c: Check) => void): void {
    if (this.get(key) === undefined) throw this.error(key, 'is required');
    validate(new Check(this.get(key), this.key(key)));
  }

  list(key: string, validate: (c: Check) => void): void {
    const value = this.get(key);
    if (!Array.isArray(value)) throw this.error(key, 'must be a list');
    value.forEach((item, i) => validate(new Check(item, [...this.key(key), i])));
  }

  optionalList(key: string, validate: (c: Check) => void): void {
    if (this.get(key) !== undefined) this.list(key, validate);
  }

  /** An object used as a map (`principals: { alice: {...} }`): every value is validated. */
  record(key: string, validate: (c: Check) => void): void {
    const value = this.get(key);
    if (!isPlainObject(value)) throw this.error(key, 'must be an object mapping names to entries');
    for (const [name, entry] of Object.entries(value)) validate(new Check(entry, [...this.key(key), name]));
  }

  optionalRecord(key: string, validate: (c: Check) => void): void {
    if (this.get(key) !== undefined) this.record(key, validate);
  }

  /** An error about `key` of this value, or about this value itself when `key` is undefined. */
  error(key: string | undefined, problem: string): RouterOptionsError {
    return new RouterOptionsError(key === undefined ? this.path : this.key(key), problem);
  }

  private get(key: string): unknown {
    return isPlainObject(this.value) ? this.value[key] : undefined;
  }

  private key(key: string): OptionPathSegment[] {
    return [...this.path, key];
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
