import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assertBuilt, killStarted, ROOT, runProgram, startProgram } from '../cli/helpers/cli';
import { packWservice } from './pack';

/**
 * The package as a user installs it: `npm pack` of this repository, installed with
 * `npm install --omit=dev` into a folder outside it (no devDependency of ours in reach), then
 * an ESM and a CommonJS consumer compiled against it with `skipLibCheck: false` and run, and
 * a compiled service started from `dist/` with the installed bin (no @swc/core). Needs
 * `npm run build` first; one install from the registry.
 */

const INSTALL_TIMEOUT = 10 * 60_000;
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

let work: string;
let consumer: string;
let tarball: string;
let installed: Awaited<ReturnType<typeof runProgram>>;

const write = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const COMPILER_OPTIONS = {
  target: 'es2022',
  strict: true,
  skipLibCheck: false,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  rootDir: 'src',
  outDir: 'dist',
};

/** The same program in both module systems: a service, the test kit, the router entry. */
const PROGRAM = `import { Rpc, Service, WampError, type Logger } from 'wservice';
import { Router } from 'wservice/router';
import { runServices } from 'wservice/testing';

@Service('greeter')
export class GreeterService {
  @Rpc()
  hello(name: string): string {
    if (name === '') throw new WampError('greeter.error.empty_name');
    return \`Hello \${name}!\`;
  }
}

async function main(): Promise<void> {
  const logger: Logger | undefined = undefined;
  const system = await runServices([GreeterService], { logger });
  const answer: unknown = await system.client.call('greeter.hello', ['Ada']);
  await system.stop();
  const router: Router = await Router.start({ listeners: [] });
  await router.stop();
  process.stdout.write(\`\${String(answer)}\\n\`);
}

void main();
`;

/** A web page's module on the browser bundle: the same `Client` and typed proxies. */
const BROWSER_PAGE = `import { connect, RemoteError, type Client } from 'wservice/browser';

interface Greeter {
  hello(name: string): Promise<string>;
}

export async function greet(url: string): Promise<string> {
  const client: Client = await connect({ url, realm: 'realm1', serializer: 'msgpack' });
  try {
    return await client.proxy<Greeter>('greeter').hello('Ada');
  } catch (err) {
    return err instanceof RemoteError ? err.uri : 'unknown';
  } finally {
    await client.close();
  }
}
`;

beforeAll(async () => {
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'wservice-package-'));
  tarball = await packWservice(work);
  consumer = join(work, 'consumer');
  write(
    join(consumer, 'package.json'),
    json({ name: 'consumer', private: true, dependencies: { wservice: `file:${tarball}` } }),
  );
  installed = await runProgram('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], {
    cwd: consumer,
  });

  write(join(consumer, 'esm/package.json'), json({ type: 'module' }));
  write(
    join(consumer, 'esm/tsconfig.json'),
    json({ compilerOptions: { ...COMPILER_OPTIONS, module: 'nodenext', moduleResolution: 'nodenext' } }),
  );
  write(join(consumer, 'esm/src/main.ts'), PROGRAM);
  // A page's module, type-checked against wservice/browser (the bundle's declarations).
  write(join(consumer, 'esm/src/page.ts'), BROWSER_PAGE);
  write(join(consumer, 'cjs/package.json'), json({ type: 'commonjs' }));
  write(
    join(consumer, 'cjs/tsconfig.json'),
    json({ compilerOptions: { ...COMPILER_OPTIONS, module: 'node16', moduleResolution: 'node16' } }),
  );
  write(join(consumer, 'cjs/src/main.ts'), PROGRAM);
  write(
    join(consumer, 'cjs/src/services/greeter.service.ts'),
    PROGRAM.slice(0, PROGRAM.indexOf('async function main')).replace(
      /^import \{ (Router|runServices).*\n/gm,
      '',
    ),
  );
}, INSTALL_TIMEOUT);
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(killStarted);

describe('the packed package', () => {
  const entries = () => {
    const root = join(consumer, 'node_modules/wservice');
    const files: string[] = [];
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) visit(full);
        else files.push(full.slice(root.length + 1));
      }
    };
    visit(root);
    return { root, files };
  };

  it('installs with --omit=dev, without @swc/core (an optional peer) and without install scripts', () => {
    expect(installed.code).toBe(0);
    expect(existsSync(join(consumer, 'node_modules/wservice/dist/src/index.js'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules/@swc/core'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules/wservice/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
      scripts: Record<string, string>;
    };
    expect(pkg.dependencies['@swc/core']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['@swc/core']).toEqual({ optional: true });
    // The peer range is the one the `wservice new` template installs: one copy in a project.
    const template = JSON.parse(readFileSync(join(ROOT, 'templates/project/package.json.tmpl'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.peerDependencies['@swc/core']).toBe(template.devDependencies['@swc/core']);
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  it('ships the browser bundle as wservice/browser: ES modules, minified too, with source maps', () => {
    const { root, files } = entries();
    for (const file of ['wservice.js', 'wservice.min.js', 'wservice.js.map', 'wservice.min.js.map'])
      expect(files).toContain(`dist/browser/${file}`);
    expect(JSON.parse(readFileSync(join(root, 'dist/browser/package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    expect(pkg.exports['./browser']).toEqual({
      types: './dist/src/browser/index.d.ts',
      default: './dist/browser/wservice.js',
    });
    expect(files).toContain('dist/src/browser/index.d.ts');
  });

  it('ships the MIT LICENSE and source maps that carry their sources', () => {
    const { root, files } = entries();
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    const maps = files.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect({ map, count: sourcesContent?.filter((s) => typeof s === 'string').length }).toEqual({
        map,
        count: sources.length,
      });
    }
  });

  it.each(['esm', 'cjs'])(
    'type-checks a strict %s consumer with skipLibCheck false, which then runs',
    async (kind) => {
      const tsc = await runProgram(process.execPath, [TSC, '-p', join(consumer, kind)], { cwd: consumer });
      expect(tsc).toMatchObject({ stdout: '', code: 0 });
      const run = await runProgram(process.execPath, [join(consumer, kind, 'dist/main.js')], {
        cwd: consumer,
      });
      expect(run).toMatchObject({ stdout: 'Hello Ada!\n', code: 0 });
    },
    INSTALL_TIMEOUT,
  );

  it('runs compiled services from dist/ with the installed bin, and answers a call', async () => {
    const services = join(consumer, 'cjs/dist/services');
    if (!existsSync(services))
      execFileSync(process.execPath, [TSC, '-p', join(consumer, 'cjs')], { cwd: consumer });
    const bin = join(consumer, 'node_modules/.bin/wservice');
    const running = startProgram(bin, ['run', services, '--port', '0'], { cwd: consumer });
    await running.waitFor('stdout', 'Ctrl-C to stop');
    const url = /1 service on (ws:\/\/\S+)/.exec(running.stdout())![1];
    expect(
      await runProgram(bin, ['call', 'greeter.hello', 'Ada', '--router', url], { cwd: consumer }),
    ).toMatchObject({ code: 0, stdout: 'Hello Ada!\n' });
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  });

  it('says what to install when a .ts file is run without @swc/core', async () => {
    const bin = join(consumer, 'node_modules/.bin/wservice');
    const result = await runProgram(bin, ['run', join(consumer, 'cjs/src/services'), '--port', '0'], {
      cwd: consumer,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('compiling TypeScript on the fly needs @swc/core');
  });
});
