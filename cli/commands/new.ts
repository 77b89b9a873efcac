import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { npmInstall, registryHas } from '../npm-install';
import { packageInfo } from '../package-info';
import {
  assertEmptyOrMissing,
  copyTemplate,
  findProjectRoot,
  projectFolder,
  renderTemplate,
  ScaffoldError,
  serviceNames,
  shownPath,
  writeNew,
} from '../scaffold';
import { colour } from '../style';

interface NewFlags {
  wservicePath?: string;
  skipInstall?: boolean;
}

/** `wservice new <name>` and `wservice new service <name>`. */
export function newCommand(): Command {
  const command = new Command('new')
    .description('create a project that passes its own tests (or, with "service", add a service to one)')
    .argument('<name>', 'the project: an npm package name; its folder is created in the current one')
    .addOption(
      new Option(
        '--wservice-path <path>',
        'depend on this local wservice (a folder or an "npm pack" tarball) instead of the published version',
      ).env('WSERVICE_PATH'),
    )
    .option('--skip-install', 'do not run npm install')
    .addHelpText(
      'after',
      `
The project: TypeScript (strict, decorators), an example service with an @Rpc and a
@Subscribe (src/services/greeter.service.ts), its jest test with wservice/testing, and
a README. It depends on wservice ^<this version>, or, while the registry has no such
version, on the wservice running this command (a file: link; it says so).

Examples:
  $ wservice new shop                                  create ./shop and npm install
  $ cd shop && npm test && npm start
  $ wservice new @acme/billing --skip-install          create ./billing, install later
  $ wservice new shop --wservice-path ../wservice      use a local checkout (a file: link)
  $ wservice new service payments                      inside a project: add a service and its test`,
    )
    .action((name: string, flags: NewFlags) => createProject(name, flags));
  command.addCommand(
    new Command('service')
      .description('add a service and its test to the project around the current folder')
      .argument('<name>', 'the service name, e.g. billing or user-accounts (its URI prefix)')
      .addHelpText(
        'after',
        `
Writes src/services/<name>.service.ts (a @Service with an @Rpc) and
test/<name>.service.test.ts; refuses to overwrite either.

Example:
  $ wservice new service billing          billing.ping, class BillingService`,
      )
      .action((name: string) => addService(name)),
  );
  return command;
}

async function createProject(name: string, flags: NewFlags): Promise<void> {
  const cwd = process.cwd();
  const folder = projectFolder(name);
  const dir = resolve(cwd, folder);
  const shown = shownPath(dir, cwd);
  assertEmptyOrMissing(dir, shown);
  const { root, version } = packageInfo();
  const wserviceDependency = await dependencySpec(flags.wservicePath, version, root, cwd);
  const files = copyTemplate(join(root, 'templates/project'), dir, { name, wserviceDependency });
  const c = colour(process.stdout);
  process.stdout.write(`${c('green', 'created')} ${c('bold', name)} in ${shown}/\n`);
  for (const file of files) process.stdout.write(`  ${c('dim', file)}\n`);
  process.stdout.write('\n');
  const install = flags.skipInstall !== true;
  if (install) {
    await npmInstall(dir, shown);
    await projectKeys(dir, shown);
  }
  process.stdout.write(nextSteps(shown, install));
}

/**
 * `^<version>` of the running CLI, or a `file:` link to a local wservice: the one given, else
 * the running one when the registry has no version in that range (said on stderr).
 */
async function dependencySpec(
  path: string | undefined,
  version: string,
  root: string,
  cwd: string,
): Promise<string> {
  if (path === undefined) {
    if ((await registryHas('wservice', `^${version}`)) !== 'missing') return `^${version}`;
    const c = colour(process.stderr);
    process.stderr.write(
      `${c('yellow', 'note:')} wservice ^${version} is not on the npm registry: the project links the ` +
        `wservice running this command (file:${root}); pass --wservice-path to link another\n`,
    );
    return `file:${root}`;
  }
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) throw new ScaffoldError(`--wservice-path ${path}: no such file or folder`);
  return `file:${absolute}`;
}

/**
 * `wservice keys src/services` by the project's own wservice: the greeter's key (git-ignored)
 * and `router.yaml`, for `npm run router` and `npm run start:router`.
 */
async function projectKeys(dir: string, shown: string): Promise<void> {
  const bin = join(dir, 'node_modules/wservice/bin/wservice.js');
  const result = await new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(process.execPath, [bin, 'keys', 'src/services'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (err) => done({ code: null, output: err.message }));
    child.once('close', (code) => done({ code, output }));
  });
  if (result.code !== 0) {
    throw new ScaffoldError(
      `wservice keys failed in ${shown}: ${result.output.trim()} (run npx wservice keys src/services there)`,
    );
  }
  const c = colour(process.stdout);
  for (const line of result.output.trim().split('\n')) process.stdout.write(`  ${c('dim', line)}\n`);
}

function nextSteps(shown: string, installed: boolean): string {
  const c = colour(process.stdout);
  const steps: [string, string][] = [
    [`cd ${shown}`, ''],
    ...(installed
      ? []
      : [
          ['npm install', ''] as [string, string],
          ['npx wservice keys src/services', "the services' keys and router.yaml"] as [string, string],
        ]),
    ['npm test', 'type-check and run the tests'],
    ['npm start', 'run the services on ws://127.0.0.1:8080/ws'],
    ['npx wservice call greeter.hello Ada', 'from another terminal'],
    ['npm run router', 'or: a standalone router (router.yaml), and then'],
    ['npm run start:router', 'the services on it, each signed in with its key'],
  ];
  const width = Math.max(...steps.map(([command]) => command.length));
  const lines = steps.map(([command, note]) =>
    `  ${c('cyan', command.padEnd(width))}  ${c('dim', note)}`.trimEnd(),
  );
  return `\n${c('bold', 'Next steps:')}\n${lines.join('\n')}\n`;
}

function addService(name: string): void {
  const names = serviceNames(name);
  const root = findProjectRoot(process.cwd());
  const templates = join(packageInfo().root, 'templates/service');
  const files: [template: string, target: string][] = [
    ['service.ts.tmpl', `src/services/${name}.service.ts`],
    ['service.test.ts.tmpl', `test/${name}.service.test.ts`],
  ];
  for (const [, target] of files) {
    if (existsSync(join(root, target)))
      throw new ScaffoldError(`${target} already exists; nothing was written`);
  }
  const c = colour(process.stdout);
  for (const [template, target] of files) {
    const text = renderTemplate(readFileSync(join(templates, template), 'utf8'), names, template);
    writeNew(join(root, target), text);
    process.stdout.write(`${c('green', 'created')} ${target}\n`);
  }
  process.stdout.write(
    `\n${names.className} answers ${c('cyan', `${name}.ping`)}; ${c('dim', 'npm test runs its test')}\n`,
  );
}
