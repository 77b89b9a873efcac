import { renderSummary } from '../../cli/commands/run';
import { PERMISSIVE_LINE } from '../../cli/router-options';

describe('wservice run start-up summary', () => {
  const services = [{ name: 'orders', instances: 1, entrypoints: ['rpc orders.place'], file: 'orders.ts' }];

  it('says permissive when the embedded router runs in that mode, and only then', () => {
    const url = 'ws://127.0.0.1:8080/ws';
    expect(renderSummary(services, url, 'realm1', true, false, true)).toContain(PERMISSIVE_LINE);
    expect(renderSummary(services, url, 'realm1', true, false, false)).not.toContain('permissive');
  });
});
