import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TS from 'typescript';
import { acceptsUndefined, SchemaBuilder, WSERVICE_TYPE } from './schema';
import type { JsonSchema, MethodContract, ParameterContract, ServiceContract } from './types';

/**
 * Reads the contracts of the classes declared in one TypeScript file with the compiler API:
 * every decorated method's parameters (names, destructured properties, optional, default,
 * rest) and result as JSON Schema, with the doc comments. The file's own `tsconfig.json`
 * (found upwards) resolves its imports, so interfaces declared elsewhere are read in full.
 */

export interface Extraction {
  /** By class name. */
  contracts: Record<string, ServiceContract>;
  /** Every file read to derive them (the cache checks that none changed). */
  dependencies: string[];
}

let tsModule: typeof TS | undefined;

/** The compiler, loaded on first use: a run whose contracts are cached never loads it. */
function typescript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tsModule ??= require('typescript') as typeof TS;
  return tsModule;
}

export function typescriptVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('typescript/package.json') as { version: string }).version;
}

// wservice's src/ and dist/src/, whichever this file runs from (src/contracts or dist/src/contracts).
const OWN_SRC = dirname(__dirname);
const OWN_PACKAGE = /[\\/]dist[\\/]src$/.test(OWN_SRC) ? dirname(dirname(OWN_SRC)) : dirname(OWN_SRC);
const OWN_SOURCES = [join(OWN_PACKAGE, 'src'), join(OWN_PACKAGE, 'dist', 'src')];

function isOwnFile(name: string): boolean {
  const real = realPath(name);
  return OWN_SOURCES.some((dir) => real.startsWith(`${dir}/`));
}

function realPath(name: string): string {
  try {
    return realpathSync(name);
  } catch {
    return name;
  }
}

/** Parsed files kept for the process: the libraries are parsed once, not once per service file. */
const parsed = new Map<string, { text: string; file: TS.SourceFile }>();

export function extractContracts(file: string): Extraction {
  const ts = typescript();
  const options = compilerOptions(ts, file);
  const host = ts.createCompilerHost(options, true);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError) => {
    // wservice's own declarations (hundreds of files) are left out: parameters do not take
    // its types, and reading them made a cold start take seconds.
    if (name !== file && isOwnFile(name)) return ts.createSourceFile(name, '', languageVersion);
    const text = ts.sys.readFile(name);
    const cached = parsed.get(name);
    if (text !== undefined && cached?.text === text) return cached.file;
    const source = read(name, languageVersion, onError);
    if (source !== undefined && text !== undefined) parsed.set(name, { text, file: source });
    return source;
  };
  const program = ts.createProgram({ rootNames: [file], options, host });
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`${file}: TypeScript could not read it`);
  const checker = program.getTypeChecker();
  const isLibrary = (d: TS.Declaration): boolean => {
    const sf = d.getSourceFile();
    return (
      program.isSourceFileDefaultLibrary(sf) || /[\\/]node_modules[\\/]@types[\\/]node[\\/]/.test(sf.fileName)
    );
  };
  const contracts: Record<string, ServiceContract> = {};
  const visit = (node: TS.Node): void => {
    if (ts.isClassDeclaration(node) && node.name !== undefined && ts.getDecorators(node) !== undefined) {
      contracts[node.name.text] = classContract(ts, checker, isLibrary, node, file);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const dependencies = program
    .getSourceFiles()
    .filter((sf) => !program.isSourceFileDefaultLibrary(sf))
    .map((sf) => sf.fileName);
  return { contracts, dependencies };
}

function compilerOptions(ts: typeof TS, file: string): TS.CompilerOptions {
  const fallback: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    experimentalDecorators: true,
    esModuleInterop: true,
  };
  const configPath = ts.findConfigFile(dirname(file), ts.sys.fileExists);
  let options = fallback;
  if (configPath !== undefined) {
    const config = ts.readConfigFile(configPath, ts.sys.readFile);
    if (config.error === undefined) {
      options = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath)).options;
    }
  }
  // Types are read exactly as written: `T | null` keeps its null, `x?: T` its undefined.
  // No @types are loaded unless imported (Node's alone doubled a cold start), and no DOM
  // unless the project asks for it.
  return {
    ...options,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    noResolve: false,
    incremental: false,
    types: [],
    lib: options.lib ?? ['lib.es2022.d.ts'],
  };
}

function classContract(
  ts: typeof TS,
  checker: TS.TypeChecker,
  isLibrary: (d: TS.Declaration) => boolean,
  node: TS.ClassDeclaration,
  file: string,
): ServiceContract {
  const className = node.name!.text;
  const builder = new SchemaBuilder(ts, checker, isLibrary);
  const warnings: string[] = [];
  const methods: Record<string, MethodContract> = {};
  const instance = checker.getTypeAtLocation(node);
  for (const property of checker.getPropertiesOfType(instance)) {
    const declaration = property.valueDeclaration;
    if (declaration === undefined || !ts.isMethodDeclaration(declaration)) continue;
    if (ts.getDecorators(declaration) === undefined) continue;
    const method = property.getName();
    methods[method] = methodContract(ts, checker, builder, declaration, `${className}.${method}`, warnings);
  }
  const description = docOf(ts, checker, node);
  return {
    className,
    file,
    source: 'typescript',
    ...(description === undefined ? {} : { description }),
    methods,
    ...(Object.keys(builder.defs).length > 0 ? { $defs: builder.defs } : {}),
    warnings,
  };
}

function methodContract(
  ts: typeof TS,
  checker: TS.TypeChecker,
  builder: SchemaBuilder,
  declaration: TS.MethodDeclaration,
  where: string,
  warnings: string[],
): MethodContract {
  const parameters: ParameterContract[] = [];
  declaration.parameters.forEach((param, i) => {
    if (ts.isIdentifier(param.name) && param.name.text === 'this') return;
    parameters.push(parameterContract(ts, checker, builder, param, i, where, warnings));
  });
  const signature = checker.getSignatureFromDeclaration(declaration);
  const returned = signature === undefined ? undefined : checker.getReturnTypeOfSignature(signature);
  const contract: MethodContract = { parameters, result: true };
  if (returned !== undefined) {
    const generator = generatorTypes(ts, checker, returned);
    if (generator !== undefined) {
      contract.progress = builder.build(generator.yields, 'progress');
      contract.result = builder.build(generator.returns, 'result');
    } else {
      contract.result = builder.build(checker.getAwaitedType(returned) ?? returned, 'result');
    }
  }
  const description = docOf(ts, checker, declaration);
  if (description !== undefined) contract.description = description;
  return contract;
}

function parameterContract(
  ts: typeof TS,
  checker: TS.TypeChecker,
  builder: SchemaBuilder,
  param: TS.ParameterDeclaration,
  index: number,
  where: string,
  warnings: string[],
): ParameterContract {
  const rest = param.dotDotDotToken !== undefined;
  const name = ts.isIdentifier(param.name) ? param.name.text : `arg${index}`;
  let type = checker.getTypeAtLocation(param);
  if (rest && checker.isArrayType(type)) type = checker.getTypeArguments(type as TS.TypeReference)[0];
  let schema: JsonSchema;
  let fallback: string | undefined;
  if (param.type === undefined && param.initializer === undefined) {
    schema = true;
    fallback = `${name} has no type annotation`;
  } else if (isBufferReference(ts, param.type)) {
    // Node's types are not loaded (they cost most of a cold start): Buffer is known by name.
    schema = { type: 'string', contentEncoding: 'base64', [WSERVICE_TYPE]: 'bytes' };
  } else {
    schema = builder.build(type, name);
    if (builder.problems.length > 0) fallback = builder.problems.join('; ');
  }
  if (fallback !== undefined) warnings.push(`${where}(${name}): ${fallback}, checked as any`);
  const contract: ParameterContract = {
    name,
    schema,
    required:
      !rest &&
      param.questionToken === undefined &&
      param.initializer === undefined &&
      !acceptsUndefined(ts, type),
    rest,
  };
  if (ts.isObjectBindingPattern(param.name)) {
    contract.properties = param.name.elements
      .filter((e) => e.dotDotDotToken === undefined)
      .map((e) => (e.propertyName ?? e.name).getText());
  }
  if (param.initializer !== undefined) contract.default = param.initializer.getText();
  const description = ts
    .getJSDocParameterTags(param)
    .map((tag) => (typeof tag.comment === 'string' ? tag.comment : ts.getTextOfJSDocComment(tag.comment)))
    .find((c) => c !== undefined && c !== '');
  if (description !== undefined) contract.description = description.replace(/^-\s*/, '');
  if (fallback !== undefined) contract.fallback = fallback;
  return contract;
}

function isBufferReference(ts: typeof TS, node: TS.TypeNode | undefined): boolean {
  return node !== undefined && ts.isTypeReferenceNode(node) && node.typeName.getText() === 'Buffer';
}

/** `AsyncGenerator<Y, R>` / `Generator<Y, R>`: what it yields and returns. */
function generatorTypes(
  ts: typeof TS,
  checker: TS.TypeChecker,
  type: TS.Type,
): { yields: TS.Type; returns: TS.Type } | undefined {
  const name = type.getSymbol()?.getName();
  if (
    !(type.flags & ts.TypeFlags.Object) ||
    !['AsyncGenerator', 'Generator', 'AsyncIterableIterator'].includes(name ?? '')
  ) {
    return undefined;
  }
  const [yields, returns] = checker.getTypeArguments(type as TS.TypeReference);
  if (yields === undefined) return undefined;
  return { yields, returns: returns ?? checker.getVoidType() };
}

function docOf(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.ClassDeclaration | TS.MethodDeclaration,
): string | undefined {
  const symbol = node.name === undefined ? undefined : checker.getSymbolAtLocation(node.name);
  if (symbol === undefined) return undefined;
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  return text === '' ? undefined : text;
}
