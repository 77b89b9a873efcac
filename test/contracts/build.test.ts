import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, BIN, killStarted, ROOT, runCli, startProgram } from '../cli/helpers/cli';

/** A compiled deployment: `tsc && wservice build`, then dist/ runs with the same contract. */

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const SERVICE = `import { Rpc, Service } from 'wservice';

interface Line {
  sku: string;
  qty: number;
}

@Service('shop')
export class ShopService {
  @Rpc()
  place(lines: Line[], note?: string): number {
    return lines.reduce((n, l) => n + l.qty, note === undefined ? 0 : 1);
  }
}
`;

let project: string;

beforeAll(() => {
  assertBuilt();
  project = mkdtempSync(join(tmpdir(), 'wservice-build-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'wservice'), 'dir');
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'commonjs',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        types: [],
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
  );
  mkdirSync(join(project, 'src', 'services'), { recursive: true });
  writeFileSync(join(project, 'src', 'services', 'shop.service.ts'), SERVICE);
  execFileSync(process.execPath, [TSC, '-p', project]);
});
afterAll(() => rmSync(project, { recursive: true, force: true }));
afterEach(killStarted);

async function runAndCall(args: string[]): Promise<{ summary: string; refused: string; answer: string }> {
  const running = startProgram(
    process.execPath,
    [BIN, 'run', join(project, 'dist/services'), '--port', '0'],
    {
      cwd: project,
    },
  );
  await running.waitFor('stdout', 'Ctrl-C to stop');
  const url = /1 service on (ws:\/\/\S+)/.exec(running.stdout())![1];
  const call = (...a: string[]) => runCli(['call', ...a, '--router', url], { cwd: project });
  const refused = (await call('shop.place', '[{"sku":"a","qty":"5"}]')).stderr;
  const answer = (await call('shop.place', ...args)).stdout;
  running.child.kill('SIGINT');
  await running.exited;
  return { summary: running.stdout(), refused, answer };
}

describe('wservice build', () => {
  it('without it, compiled services check only primitive types, and say so', async () => {
    const { summary, refused } = await runAndCall(['[]']);
    expect(summary).toMatch(/! ShopService: no contract \(.*shop\.service\.contract\.json is missing/);
    expect(refused).toBe('');
  });

  it('writes the contract beside the compiled file; dist/ then enforces it', async () => {
    const built = await runCli(['build', '-p', project], { cwd: project });
    expect(built).toMatchObject({ code: 0, stdout: 'wrote dist/services/shop.service.contract.json\n' });
    const file = JSON.parse(readFileSync(join(project, 'dist/services/shop.service.contract.json'), 'utf8'));
    expect(file).toMatchObject({
      wservice: 'contract',
      version: 1,
      services: { ShopService: { methods: { place: {} } } },
    });
    expect(existsSync(join(project, 'src/services/shop.service.contract.json'))).toBe(false);
    const { summary, refused, answer } = await runAndCall(['[{"sku":"a","qty":2}]', 'gift']);
    expect(summary).toMatch(/shop\.place\(lines: Line\[\], note\?: string\)/);
    expect(summary).not.toMatch(/no contract/);
    expect(refused).toBe(
      'error: wamp.error.invalid_argument: place() lines[0].qty: expected number, got string "5"\n',
    );
    expect(answer).toBe('3\n');
  });
});
