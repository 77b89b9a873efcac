import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { connect } from '../../src';
import { assertStopsRaising, runServices, type TestSystem } from '../../src/testing';
import { LobbyService } from '../../docs/snippets/coming-from';

interface PythonRun {
  session: number;
  results: unknown[];
  events: { topic: string; args: unknown[] }[];
}

/** Runs a python3-autobahn peer (Debian's, /usr/bin/python3) that subscribes, then calls. */
function pythonPeer(
  url: string,
  script: { subscribe?: string[]; calls: { call: string; args?: unknown[] }[]; wait?: number },
): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/usr/bin/python3',
      [join(__dirname, '..', 'helpers', 'autobahn-python-events.py'), url, 'realm1'],
      { timeout: 15000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`autobahn-python failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as PythonRun);
      },
    );
    child.stdin!.end(JSON.stringify(script));
  });
}

// The serverwamp items of issue 14 as a Python peer sees them: its join and leave heard by a
// service's @Subscribe('wamp.session.on_join' / 'on_leave'), an event sent to it alone by
// `eligible` from the service it called.
describe('a Python peer (autobahn-python) and the serverwamp idioms', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([LobbyService]);
  }, 60_000);
  afterAll(() => system.stop());

  it('a Python session is seen joining and leaving, and gets the event meant for it alone', async () => {
    const lobby = system.instancesOf('lobby')[0].instance as LobbyService;
    const other = await connect(system.url);
    const heardByOther: unknown[] = [];
    await other.subscribe('lobby.whispered', ([text]) => void heardByOther.push(text));
    try {
      await assertStopsRaising(() => expect(lobby.present).toContain(other.session!.id));
      const before = new Set(lobby.present);
      const running = pythonPeer(system.url, {
        subscribe: ['lobby.whispered'],
        calls: [{ call: 'lobby.whisper', args: ['for python only'] }],
        wait: 1,
      });
      // on_join: the Python session is present while it runs...
      const joined = await assertStopsRaising(() => {
        const added = [...lobby.present].filter((id) => !before.has(id));
        expect(added).toHaveLength(1);
        return added[0];
      });
      const run = await running;
      expect(joined).toBe(run.session);
      expect(run.events).toEqual([{ topic: 'lobby.whispered', args: ['for python only'] }]);
      expect(heardByOther).toEqual([]);
      // ...and on_leave removes it once it left.
      await assertStopsRaising(() => expect(lobby.present).not.toContain(run.session));
    } finally {
      await other.close();
    }
  });
});
