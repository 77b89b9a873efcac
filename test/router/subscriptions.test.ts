import { SubscriptionTable } from '../../src/router/subscriptions';
import type { RouterSession } from '../../src/router/router-session';

/** The table only keeps sessions as keys: any distinct object stands for one. */
const session = (name: string) => ({ name }) as unknown as RouterSession;

describe('SubscriptionTable.matching (its answer for the last topic is kept)', () => {
  it('answers again after a subscription is made or deleted, for the same topic', () => {
    const table = new SubscriptionTable();
    const a = session('a');
    const exact = table.create(1, 'com.x.y', 'exact');
    table.addSubscriber(exact, a);
    expect(table.matching('com.x.y').map((s) => s.id)).toEqual([1]);
    // The same topic as a different string (as decoded from another frame).
    expect(table.matching(['com', 'x', 'y'].join('.')).map((s) => s.id)).toEqual([1]);

    const wild = table.create(2, 'com..y', 'wildcard');
    table.addSubscriber(wild, a);
    expect(table.matching('com.x.y').map((s) => s.id)).toEqual([1, 2]);

    const prefix = table.create(3, 'com.x', 'prefix');
    table.addSubscriber(prefix, a);
    expect(table.matching('com.x.y').map((s) => s.id)).toEqual([1, 3, 2]);

    expect(table.removeSubscriber(wild, a)).toBe(true);
    expect(table.matching('com.x.y').map((s) => s.id)).toEqual([1, 3]);
    expect(table.removeSubscriber(exact, a)).toBe(true);
    expect(table.matching('com.x.y').map((s) => s.id)).toEqual([3]);
    expect(table.matching('com.z')).toEqual([]);
    expect(table.removeSubscriber(prefix, a)).toBe(true);
    expect(table.matching('com.x.y')).toEqual([]);
  });

  it('keeps the answer while subscribers of a kept subscription come and go', () => {
    const table = new SubscriptionTable();
    const [a, b] = [session('a'), session('b')];
    const wild = table.create(7, 'com..y', 'wildcard');
    table.addSubscriber(wild, a);
    const found = table.matching('com.x.y');
    table.addSubscriber(wild, b);
    expect(table.removeSubscriber(wild, a)).toBe(false);
    expect(table.matching('com.x.y')).toBe(found);
    expect([...found[0].subscribers]).toEqual([b]);
  });
});
