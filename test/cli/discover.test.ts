import { join } from 'node:path';
import { discoverServices, findSourceFiles, NoServicesError, ServiceLoadError } from '../../cli/discover';

const fixtures = join(__dirname, '..', 'fixtures', 'discover');

describe('service discovery', () => {
  it('finds source files recursively, skipping tests and declarations', () => {
    expect(findSourceFiles([fixtures]).map((f) => f.slice(fixtures.length + 1))).toEqual([
      'greeter.service.ts',
      'nested/counter.service.ts',
    ]);
  });

  it('returns the exported @Service classes only', () => {
    const found = discoverServices([fixtures]);
    expect(found.map((s) => [s.exportName, s.target.name])).toEqual([
      ['GreeterService', 'GreeterService'],
      ['CounterService', 'CounterService'],
    ]);
  });

  it('says clearly when nothing is found or a path is missing', () => {
    expect(() => discoverServices([join(fixtures, 'types.d.ts')])).toThrow(NoServicesError);
    expect(() => discoverServices(['no/such/dir'])).toThrow(
      new ServiceLoadError('no/such/dir', 'no such file or folder'),
    );
  });
});
