import { runServices, type TestSystem } from '../../../src/testing';
import { DemoService } from '../fixtures/demo.service';
import { assertBuilt, killStarted } from './cli';

/**
 * Registers jest hooks that run `DemoService` on a real router for the whole file and kill
 * any CLI process a test left running. Read `system` and `router` (the `--router` and
 * `--realm` flags pointing at it) inside tests.
 */
export function useDemoSystem(): { readonly system: TestSystem; readonly router: string[] } {
  let system: TestSystem | undefined;
  beforeAll(async () => {
    assertBuilt();
    system = await runServices([DemoService]);
  });
  afterAll(() => system?.stop());
  afterEach(killStarted);
  return {
    get system() {
      if (system === undefined) throw new Error('useDemoSystem: read it inside a test');
      return system;
    },
    get router() {
      return ['--router', this.system.url, '--realm', this.system.realm];
    },
  };
}
