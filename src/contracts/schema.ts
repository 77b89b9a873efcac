import type * as TS from 'typescript';
import type { JsonSchema } from './types';

/**
 * TypeScript types to JSON Schema 2020-12, as the values travel on the wire. What a wire
 * cannot carry as such is marked with `x-wservice-type` (an annotation other validators
 * ignore) so the argument binder can check and convert it: `Date` (an ISO 8601 string),
 * `bigint` (an integer), `bytes` (`Uint8Array` / `Buffer`: binary in msgpack and CBOR,
 * `"\u0000" + base64` in JSON).
 */

export const WSERVICE_TYPE = 'x-wservice-type';
/** The name of an interface, class or type alias a schema was made from. */
export const TYPESCRIPT_NAME = 'x-typescript';

const MAX_DEPTH = 64;

export class SchemaBuilder {
  /** Named types that refer to themselves; the contract's `$defs`. */
  readonly defs: Record<string, JsonSchema> = {};
  private readonly defined = new Map<TS.Type, string>();
  private readonly inProgress = new Map<TS.Type, { name: string; referenced: boolean }>();
  /** Why parts of the last `build` fell back to "any", by path. */
  problems: string[] = [];

  constructor(
    private readonly ts: typeof TS,
    private readonly checker: TS.TypeChecker,
    private readonly isLibrary: (declaration: TS.Declaration) => boolean,
  ) {}

  /** The schema of `type`; `path` names the value in the problems reported. */
  build(type: TS.Type, path: string): JsonSchema {
    this.problems = [];
    return this.schema(type, path, 0);
  }

  private schema(type: TS.Type, path: string, depth: number): JsonSchema {
    const { TypeFlags } = this.ts;
    const f = type.flags;
    if (depth > MAX_DEPTH) return this.fallback(path, `nests deeper than ${MAX_DEPTH} levels`);
    if (f & (TypeFlags.Any | TypeFlags.Unknown)) return true;
    if (f & TypeFlags.TypeParameter) {
      const constraint = this.checker.getBaseConstraintOfType(type);
      if (constraint === undefined || constraint === type || constraint.flags & TypeFlags.Unknown) {
        return this.fallback(path, `is the type parameter ${this.checker.typeToString(type)}`);
      }
      return this.schema(constraint, path, depth + 1);
    }
    if (f & TypeFlags.Boolean) return { type: 'boolean' };
    if (f & TypeFlags.BooleanLiteral) return { const: this.checker.typeToString(type) === 'true' };
    if (f & TypeFlags.StringLiteral) return { const: (type as TS.StringLiteralType).value };
    if (f & TypeFlags.NumberLiteral) return { const: (type as TS.NumberLiteralType).value };
    if (f & TypeFlags.BigIntLiteral) return { type: 'integer', [WSERVICE_TYPE]: 'bigint' };
    if (f & TypeFlags.TemplateLiteral) return { type: 'string' };
    if (f & TypeFlags.String) return { type: 'string' };
    if (f & TypeFlags.Number) return { type: 'number' };
    if (f & TypeFlags.BigInt) return { type: 'integer', [WSERVICE_TYPE]: 'bigint' };
    if (f & TypeFlags.Null) return { type: 'null' };
    if (f & (TypeFlags.Undefined | TypeFlags.Void)) return { type: 'null' };
    if (f & TypeFlags.Never) return this.fallback(path, 'is never');
    if (f & (TypeFlags.ESSymbol | TypeFlags.UniqueESSymbol)) return this.fallback(path, 'is a symbol');
    if (type.isUnion()) return this.union(type, path, depth);
    if (type.isIntersection()) return this.intersection(type, path, depth);
    if (f & TypeFlags.Object) return this.object(type as TS.ObjectType, path, depth);
    if (f & TypeFlags.NonPrimitive) return { type: 'object' };
    return this.fallback(path, `has the type ${this.checker.typeToString(type)}`);
  }

  private union(type: TS.UnionType, path: string, depth: number): JsonSchema {
    const { TypeFlags } = this.ts;
    const members = type.types.filter((t) => !(t.flags & (TypeFlags.Undefined | TypeFlags.Void)));
    const booleans = members.filter((t) => t.flags & TypeFlags.BooleanLiteral);
    const rest =
      booleans.length === 2 ? members.filter((t) => !(t.flags & TypeFlags.BooleanLiteral)) : members;
    const schemas = rest.map((t) => this.schema(t, path, depth + 1));
    if (booleans.length === 2) schemas.push({ type: 'boolean' });
    if (schemas.some((s) => s === true)) return true;
    const consts = schemas.filter((s): s is { const: unknown } => typeof s === 'object' && 'const' in s);
    const others = schemas.filter((s) => !(typeof s === 'object' && 'const' in s));
    const merged = consts.length > 1 ? [{ enum: consts.map((s) => s.const) }, ...others] : schemas;
    if (merged.length === 1) return merged[0];
    if (merged.length === 0) return this.fallback(path, 'is only undefined');
    return { anyOf: merged };
  }

  private intersection(type: TS.IntersectionType, path: string, depth: number): JsonSchema {
    // A branded primitive (`string & { __brand: 'Sku' }`) travels as the primitive.
    const { TypeFlags } = this.ts;
    const primitives =
      TypeFlags.StringLike | TypeFlags.NumberLike | TypeFlags.BooleanLike | TypeFlags.BigIntLike;
    const primitive = type.types.find((t) => t.flags & primitives);
    if (primitive !== undefined) return this.schema(primitive, path, depth + 1);
    return this.properties(type, path, depth);
  }

  private object(type: TS.ObjectType, path: string, depth: number): JsonSchema {
    const special = this.special(type);
    if (special !== undefined) return special;
    if (this.checker.isTupleType(type)) return this.tuple(type as TS.TupleTypeReference, path, depth);
    if (this.checker.isArrayType(type)) {
      const [element] = this.checker.getTypeArguments(type as TS.TypeReference);
      return { type: 'array', items: this.schema(element, `${path}[]`, depth + 1) };
    }
    if (type.getCallSignatures().length > 0 && type.getProperties().length === 0) {
      return this.fallback(path, 'is a function, which cannot travel over WAMP');
    }
    const name = this.nameOf(type);
    if (name !== undefined && ['Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'RegExp'].includes(name)) {
      return this.fallback(path, `is a ${name}, which does not travel over WAMP (use an object or array)`);
    }
    const known = this.defined.get(type);
    if (known !== undefined) return { $ref: `#/$defs/${known}` };
    const pending = this.inProgress.get(type);
    if (pending !== undefined) {
      pending.referenced = true;
      return { $ref: `#/$defs/${pending.name}` };
    }
    const entry = { name: this.defName(type), referenced: false };
    this.inProgress.set(type, entry);
    const built = this.properties(type, path, depth);
    // The type's own name, for signatures and generated clients (`place(order: Order)`).
    const declared = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0];
    const own = name !== undefined && declared !== undefined && !this.isLibrary(declared);
    const schema = !own || typeof built !== 'object' ? built : { [TYPESCRIPT_NAME]: name, ...built };
    this.inProgress.delete(type);
    if (!entry.referenced) return schema;
    this.defs[entry.name] = schema;
    this.defined.set(type, entry.name);
    return { $ref: `#/$defs/${entry.name}` };
  }

  /** Date, bytes: library types that travel in a form of their own. */
  private special(type: TS.Type): JsonSchema | undefined {
    const symbol = type.getSymbol();
    const declaration = symbol?.declarations?.[0];
    if (symbol === undefined || declaration === undefined || !this.isLibrary(declaration)) return undefined;
    switch (symbol.getName()) {
      case 'Date':
        return { type: 'string', format: 'date-time', [WSERVICE_TYPE]: 'Date' };
      case 'Uint8Array':
      case 'Buffer':
        return { type: 'string', contentEncoding: 'base64', [WSERVICE_TYPE]: 'bytes' };
      default:
        return undefined;
    }
  }

  private tuple(type: TS.TupleTypeReference, path: string, depth: number): JsonSchema {
    const { ElementFlags } = this.ts;
    const elements = this.checker.getTypeArguments(type);
    const flags = type.target.elementFlags;
    const prefixItems: JsonSchema[] = [];
    let items: JsonSchema = false;
    let minItems = 0;
    elements.forEach((element, i) => {
      const schema = this.schema(element, `${path}[${i}]`, depth + 1);
      if (flags[i] & ElementFlags.Variable) items = schema;
      else {
        prefixItems.push(schema);
        if (flags[i] & ElementFlags.Required) minItems = i + 1;
      }
    });
    return {
      type: 'array',
      prefixItems,
      items,
      minItems,
      ...(items === false ? { maxItems: prefixItems.length } : {}),
    };
  }

  /** An interface, class, type literal or intersection of them: its data properties. */
  private properties(type: TS.Type, path: string, depth: number): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration !== undefined && !this.isData(declaration)) continue;
      const name = property.getName();
      const propertyType = this.checker.getTypeOfSymbol(property);
      const schema = this.schema(propertyType, `${path}.${name}`, depth + 1);
      const description = this.ts.displayPartsToString(property.getDocumentationComment(this.checker));
      properties[name] = description === '' ? schema : { ...(schema === true ? {} : schema), description };
      const optional = (property.flags & this.ts.SymbolFlags.Optional) !== 0;
      if (!optional && !acceptsUndefined(this.ts, propertyType)) required.push(name);
    }
    // Other properties are let through, as TypeScript's structural typing does: an event
    // handler that reads `{ sku }` takes a payload that also carries `quantity`.
    const index = this.checker.getIndexInfosOfType(type)[0];
    return {
      type: 'object',
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
      ...(required.length > 0 ? { required } : {}),
      ...(index === undefined
        ? {}
        : { additionalProperties: this.schema(index.type, `${path}[key]`, depth + 1) }),
    };
  }

  /** A property that carries data: not a method, not private or protected. */
  private isData(declaration: TS.Declaration): boolean {
    const ts = this.ts;
    if (ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration)) return false;
    if (ts.isGetAccessorDeclaration(declaration) || ts.isSetAccessorDeclaration(declaration)) return false;
    const name = ts.getNameOfDeclaration(declaration);
    if (name !== undefined && ts.isPrivateIdentifier(name)) return false;
    const modifiers = ts.getCombinedModifierFlags(declaration);
    return (
      (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static)) === 0
    );
  }

  private nameOf(type: TS.Type): string | undefined {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const name = symbol?.getName();
    return name === undefined || name.startsWith('__') ? undefined : name;
  }

  private defName(type: TS.Type): string {
    const base = (this.nameOf(type) ?? 'Type').replace(/[^A-Za-z0-9_.-]/g, '_');
    let name = base;
    for (let i = 2; name in this.defs || [...this.inProgress.values()].some((e) => e.name === name); i++) {
      name = `${base}${i}`;
    }
    return name;
  }

  private fallback(path: string, why: string): JsonSchema {
    this.problems.push(`${path} ${why}`);
    return true;
  }
}

/** `x: T | undefined`: a value that may be left out. */
export function acceptsUndefined(ts: typeof TS, type: TS.Type): boolean {
  const undefinedFlags = ts.TypeFlags.Undefined | ts.TypeFlags.Void;
  if (type.flags & undefinedFlags) return true;
  return type.isUnion() && type.types.some((t) => t.flags & undefinedFlags);
}
