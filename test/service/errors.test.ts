import { RemoteError, WampError } from '../../src/protocol/errors';
import { RemoteErrorClass, reviveRemoteError } from '../../src/service/errors';

@RemoteErrorClass('test.error.declined')
class Declined extends WampError {
  constructor(reason: string) {
    super('test.error.declined', [reason]);
  }
}

describe('service errors', () => {
  it('re-creates a registered error class on the caller side', () => {
    const revived = reviveRemoteError(new RemoteError('test.error.declined', ['no funds'], { k: 1 }));
    expect(revived).toBeInstanceOf(Declined);
    expect(revived).toBeInstanceOf(WampError);
    expect(revived.name).toBe('Declined');
    expect(revived.uri).toBe('test.error.declined');
    expect(revived.args).toEqual(['no funds']);
    expect(revived.kwargs).toEqual({ k: 1 });
    expect(revived.message).toBe('test.error.declined: no funds');
    const other = new RemoteError('test.error.other');
    expect(reviveRemoteError(other)).toBe(other);
  });
});
