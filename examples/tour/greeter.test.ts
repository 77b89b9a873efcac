// #region test
import { RemoteError } from 'wservice';
import { runServices, type TestSystem } from 'wservice/testing';
import { GreeterService } from './greeter.service';

describe('greeter', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([GreeterService]); // a router on a free port, the service, a client
  });
  afterAll(() => system.stop());

  it('says hello', async () => {
    expect(await system.client.call('greeter.hello', ['Ada'])).toBe('Hello Ada!');
  });

  it('refuses an empty name with its error URI', async () => {
    await expect(system.client.call('greeter.hello', [''])).rejects.toMatchObject({
      uri: 'greeter.error.empty_name',
    });
    await expect(system.client.call('greeter.hello', [''])).rejects.toBeInstanceOf(RemoteError);
  });
});
// #endregion test
