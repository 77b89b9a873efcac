/**
 * What a registration and a subscription share: the router's id for it, which a `Connection`
 * replaces after each reconnect, and whether a session holds it right now.
 */
export abstract class RouterEntry {
  private entryId = 0;
  private isActive = false;

  /** The router's id (of the latest session that holds it). */
  get id(): number {
    return this.entryId;
  }

  /** True while a session holds it with the router. */
  get active(): boolean {
    return this.isActive;
  }

  /** @internal The router confirmed it under `id`. */
  activate(id: number): void {
    this.entryId = id;
    this.isActive = true;
  }

  /** @internal The session lost it: undone, revoked by the router, or the session ended. */
  deactivate(): void {
    this.isActive = false;
  }
}
