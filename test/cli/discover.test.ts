import { join } from 'node:path';
import {
  discoverServices,
  findSourceFiles,
  NoServicesError,
  serviceTarget,
  ServiceLoadError,
} from '../../cli/discover';

const fixtures = join(__dirname, '..', 'fixtures', 'discover');
const pair = join(__dirname, '..', 'fixtures', 'one-class', 'pair.service.ts');

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

  it('file.ts:ClassName takes that one class of the file', () => {
    expect(serviceTarget(`${pair}:SecondService`)).toEqual({ path: pair, exportName: 'SecondService' });
    expect(serviceTarget('unix:/tmp/x')).toEqual({ path: 'unix:/tmp/x' });
    expect(discoverServices([pair]).map((s) => s.exportName)).toEqual(['FirstService', 'SecondService']);
    expect(discoverServices([`${pair}:SecondService`]).map((s) => s.exportName)).toEqual(['SecondService']);
    expect(
      discoverServices([`${pair}:SecondService`, `${pair}:FirstService`]).map((s) => s.exportName),
    ).toEqual(['SecondService', 'FirstService']);
  });

  it('file.ts:ClassName names what is wrong when the class is not there', () => {
    const shown = 'test/fixtures/one-class/pair.service.ts';
    expect(() => discoverServices([`${pair}:Third`])).toThrow(
      new ServiceLoadError(
        shown,
        'no export named Third (its @Service classes: FirstService, SecondService)',
      ),
    );
    expect(() => discoverServices([`${pair}:helper`])).toThrow(
      new ServiceLoadError(
        shown,
        'helper is not a @Service class (its @Service classes: FirstService, SecondService)',
      ),
    );
  });
});
