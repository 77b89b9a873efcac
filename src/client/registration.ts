import { RouterEntry } from './entry';
import type { ClientRegisterOptions, ProcedureHandler } from './types';

/** Who undoes a registration: the session that made it, or the `Connection` that restores it. */
export interface RegistrationOwner {
  unregister(registration: Registration): Promise<void>;
}

/**
 * A procedure registered with the dealer. A `Connection` re-registers it after a reconnect with
 * the same handler and options, so the object stays valid; `id` then changes.
 */
export class Registration extends RouterEntry {
  /** @internal Made by `Session.register` and `Connection.register`. */
  constructor(
    /** The procedure URI or pattern as registered. */
    readonly procedure: string,
    readonly handler: ProcedureHandler,
    readonly options: Readonly<ClientRegisterOptions>,
    private readonly owner: RegistrationOwner,
  ) {
    super();
  }

  /** Removes the registration (UNREGISTER); a `Connection` also stops restoring it. */
  unregister(): Promise<void> {
    return this.owner.unregister(this);
  }
}
