import { IdSequence, MAX_ID, randomId } from '../../src/protocol';

describe('ids', () => {
  it('MAX_ID is 2^53', () => {
    expect(MAX_ID).toBe(9007199254740992);
  });

  it('randomId stays in 1..2^53 and uses the upper range', () => {
    let above32Bits = 0;
    for (let i = 0; i < 2000; i++) {
      const id = randomId();
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(MAX_ID);
      if (id > 2 ** 32) above32Bits++;
    }
    // Drawn uniformly from 2^53 values, all but a 2^-21 fraction lie above 2^32.
    expect(above32Bits).toBeGreaterThan(1990);
  });

  it('randomId maps a zero draw to 2^53, never to 0', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    try {
      expect(randomId()).toBe(MAX_ID);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('IdSequence counts up from 1 and wraps after 2^53 back to 1', () => {
    const seq = new IdSequence();
    expect([seq.next(), seq.next(), seq.next()]).toEqual([1, 2, 3]);
    (seq as unknown as { last: number }).last = MAX_ID - 1;
    expect([seq.next(), seq.next(), seq.next()]).toEqual([MAX_ID, 1, 2]);
  });
});
