import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inFile, routerOptionsFor } from '../../cli/router-options';
import { ConfigError, readYamlFile } from '../../src/config';
import { RouterOptionsError } from '../../src/router';

describe('wservice router options: file, then flags, then defaults', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wservice-router-options-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, text: string): string {
    writeFileSync(join(dir, name), text);
    return name;
  }

  const options = (flags: Parameters<typeof routerOptionsFor>[0], env: NodeJS.ProcessEnv = {}) =>
    routerOptionsFor(flags, env, dir).options;

  it("defaults to Crossbar.io's: ws://127.0.0.1:8080/ws and realm realm1", () => {
    expect(options({})).toEqual({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 8080, path: '/ws' }],
      realms: [{ name: 'realm1' }],
    });
    expect(options({}, { WSERVICE_REALM: 'prod' }).realms).toEqual([{ name: 'prod' }]);
  });

  it('builds the listeners from the flags alone', () => {
    expect(options({ host: '::1', port: 0, path: '/wamp', rawsocketPort: 0 }).listeners).toEqual([
      { type: 'websocket', host: '::1', port: 0, path: '/wamp' },
      { type: 'rawsocket', host: '::1', port: 0 },
    ]);
  });

  it("changes the file's listeners in place: --host for every TCP one, --port and --path for the WebSocket one", () => {
    const config = file(
      'listeners.yaml',
      `listeners:
  - { type: rawsocket, path: /tmp/wamp.sock }
  - { type: websocket, port: 9000, serializers: [cbor] }
  - { type: rawsocket, port: 9001 }
`,
    );
    expect(options({ config, host: '0.0.0.0', port: 0, rawsocketPort: 0 }).listeners).toEqual([
      { type: 'rawsocket', path: '/tmp/wamp.sock' },
      { type: 'websocket', host: '0.0.0.0', port: 0, serializers: ['cbor'] },
      { type: 'rawsocket', host: '0.0.0.0', port: 0 },
    ]);
  });

  it('adds a WebSocket listener to a file without one only when a WebSocket flag asks for it', () => {
    const config = file('unix-only.yaml', 'listeners:\n  - { type: rawsocket, path: /tmp/wamp.sock }\n');
    expect(options({ config }).listeners).toEqual([{ type: 'rawsocket', path: '/tmp/wamp.sock' }]);
    expect(options({ config, port: 0 }).listeners).toEqual([
      { type: 'rawsocket', path: '/tmp/wamp.sock' },
      { type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' },
    ]);
  });

  it("serves the file's realms, adding --realm when it is not among them", () => {
    const config = file('realms.yaml', 'realms:\n  - name: shop\n    roles: []\nautoCreateRealms: true\n');
    expect(options({ config })).toMatchObject({
      realms: [{ name: 'shop', roles: [] }],
      autoCreateRealms: true,
    });
    expect(options({ config }, { WSERVICE_REALM: 'prod' }).realms).toEqual([{ name: 'shop', roles: [] }]);
    expect(options({ config, realm: 'shop' }).realms).toEqual([{ name: 'shop', roles: [] }]);
    expect(options({ config, realm: 'admin' }).realms).toEqual([
      { name: 'shop', roles: [] },
      { name: 'admin' },
    ]);
  });

  it('names the file, line and key of a wrong option', () => {
    const config = file('wrong.yaml', 'realms:\n  - name: shop\n    roles:\n      - name: clerk\n');
    expect(() => options({ config })).toThrow(
      new ConfigError(`${join(dir, 'wrong.yaml')}:4: realms[0].roles[0].permissions: must be a list`),
    );
  });

  it("points a RouterOptionsError met later (a TLS file Router.start cannot read) at the file's line", () => {
    const yaml = readYamlFile(
      join(
        dir,
        file(
          'tls.yaml',
          'listeners:\n  - type: websocket\n    tls:\n      cert: /none.pem\n      key: /none.key\n',
        ),
      ),
    );
    const error = inFile(
      new RouterOptionsError(['listeners', 0, 'tls', 'cert'], 'cannot read "/none.pem"'),
      yaml,
    );
    expect(error).toEqual(new ConfigError(`${yaml.file}:4: listeners[0].tls.cert: cannot read "/none.pem"`));
    expect((error as ConfigError).details).toEqual({
      file: yaml.file,
      line: 4,
      key: 'listeners[0].tls.cert',
    });
    const other = new Error('not about options');
    expect(inFile(other, yaml)).toBe(other);
  });
});
