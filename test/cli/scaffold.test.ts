import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmFailureReason } from '../../cli/npm-install';
import {
  assertEmptyOrMissing,
  copyTemplate,
  findProjectRoot,
  projectFolder,
  renderTemplate,
  ScaffoldError,
  serviceNames,
} from '../../cli/scaffold';

describe('names', () => {
  it('accepts npm package names and creates the folder without the scope', () => {
    expect(projectFolder('shop')).toBe('shop');
    expect(projectFolder('my-shop.v2')).toBe('my-shop.v2');
    expect(projectFolder('@acme/billing')).toBe('billing');
  });

  it('refuses names npm refuses', () => {
    for (const bad of [
      'Shop',
      'my shop',
      '.hidden',
      '_private',
      '@acme/',
      'a/b',
      'node_modules',
      'x'.repeat(215),
    ])
      expect(() => projectFolder(bad)).toThrow(ScaffoldError);
  });

  it('makes a class name from a service name', () => {
    expect(serviceNames('billing')).toEqual({ serviceName: 'billing', className: 'BillingService' });
    expect(serviceNames('user-accounts').className).toBe('UserAccountsService');
    expect(serviceNames('audit_log2').className).toBe('AuditLog2Service');
    for (const bad of ['Billing', '2fa', 'a--b', 'a.b', '-a', 'a-'])
      expect(() => serviceNames(bad)).toThrow(ScaffoldError);
  });
});

describe('templates', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wservice-scaffold-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills placeholders, and a placeholder without a value is an error naming the file', () => {
    expect(renderTemplate('{{a}} and {{b}}', { a: '1', b: '2' }, 'f.tmpl')).toBe('1 and 2');
    expect(() => renderTemplate('{{missing}}', {}, 'f.tmpl')).toThrow(
      'template f.tmpl: no value for {{missing}}',
    );
  });

  it('copies a template tree, dropping .tmpl and restoring .gitignore', () => {
    mkdirSync(join(dir, 'tpl/src'), { recursive: true });
    writeFileSync(join(dir, 'tpl/gitignore.tmpl'), 'node_modules/\n');
    writeFileSync(join(dir, 'tpl/src/main.ts.tmpl'), 'export const name = "{{name}}";\n');
    expect(copyTemplate(join(dir, 'tpl'), join(dir, 'out'), { name: 'demo' })).toEqual([
      '.gitignore',
      'src/main.ts',
    ]);
    expect(readFileSync(join(dir, 'out/src/main.ts'), 'utf8')).toBe('export const name = "demo";\n');
  });

  it('accepts a missing or empty folder and refuses one with files, or a file', () => {
    expect(() => assertEmptyOrMissing(join(dir, 'none'), 'none')).not.toThrow();
    mkdirSync(join(dir, 'empty'));
    expect(() => assertEmptyOrMissing(join(dir, 'empty'), 'empty')).not.toThrow();
    writeFileSync(join(dir, 'empty/x'), '');
    expect(() => assertEmptyOrMissing(join(dir, 'empty'), 'empty')).toThrow(
      'folder empty already exists and is not empty',
    );
    expect(() => assertEmptyOrMissing(join(dir, 'empty/x'), 'x')).toThrow(
      'x already exists and is not a folder',
    );
  });

  it('finds the project around a folder by its wservice dependency', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'other' }));
    mkdirSync(join(dir, 'app/src/deep'), { recursive: true });
    writeFileSync(join(dir, 'app/package.json'), JSON.stringify({ dependencies: { wservice: '^0.1.0' } }));
    expect(findProjectRoot(join(dir, 'app/src/deep'))).toBe(join(dir, 'app'));
  });
});

describe('npm install failures', () => {
  it("keep the line of npm's output that says what went wrong", () => {
    const output = [
      'npm warn tar TAR_BAD_ARCHIVE: Unrecognized archive format',
      'npm error code TAR_BAD_ARCHIVE',
      'npm error TAR_BAD_ARCHIVE: Unrecognized archive format',
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log',
    ].join('\n');
    expect(npmFailureReason(output)).toBe('TAR_BAD_ARCHIVE: Unrecognized archive format');
    expect(
      npmFailureReason('npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://r/x - Not found\n'),
    ).toBe('404 Not Found - GET https://r/x - Not found');
    expect(npmFailureReason('killed\n')).toBeUndefined();
  });
});
