import { notify, type Role } from '../roles/entry';

/**
 * Counts deliveries across every subscriber session of a role process and notifies `done`
 * when the expected number arrived. The orchestrator says how many to expect before each
 * run (`expect`) and can read the count at any time (`received`), to see a stall.
 */
export class DeliveryCounter {
  private expected = Infinity;
  private received = 0;

  /** Call once per delivered event. */
  readonly count = (): void => {
    if (++this.received === this.expected) notify('done', this.received);
  };

  /** The role commands `expect {count}` and `received`. */
  readonly commands: NonNullable<Role['commands']> = {
    expect: (a) => {
      this.expected = Number(a.count);
      this.received = 0;
      return true;
    },
    received: () => this.received,
  };
}
