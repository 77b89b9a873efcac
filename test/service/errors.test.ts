import { ErrorUri, RemoteError, WampError } from '../../src/protocol/errors';
import { RemoteErrorClass, reviveRemoteError, toWireError } from '../../src/service/errors';

@RemoteErrorClass('test.error.declined')
class Declined extends WampError {
  constructor(reason: string) {
    super('test.error.declined', [reason]);
  }
}

describe('service errors', () => {
  it('keeps a WampError and wraps anything else without a stack', () => {
    const w = new WampError('a.b', ['x']);
    expect(toWireError(w)).toBe(w);
    const wrapped = toWireError(new TypeError('bad'));
    expect(wrapped.uri).toBe(ErrorUri.APPLICATION_ERROR);
    expect(wrapped.args).toEqual(['bad']);
    expect(wrapped.kwargs).toEqual({ name: 'TypeError', message: 'bad' });
    expect(toWireError('plain string').kwargs).toEqual({ name: 'Error', message: 'plain string' });
  });

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
