import {
  MessageType,
  type Args,
  type Kwargs,
  type Publish,
  type PublishOptions,
  type Published,
} from '../protocol/messages';
import { PendingRequests } from './pending';
import type { ErrorTable, MessageTable, Role, SessionLink } from './role';
import type { ClientPublishOptions, Publication } from './types';

/** The black/white-list options and their wire names (spec: subscriber black- and whitelisting). */
const RECIPIENT_LISTS = [
  ['exclude', 'exclude'],
  ['eligible', 'eligible'],
  ['excludeAuthid', 'exclude_authid'],
  ['eligibleAuthid', 'eligible_authid'],
  ['excludeAuthrole', 'exclude_authrole'],
  ['eligibleAuthrole', 'eligible_authrole'],
] as const satisfies readonly (readonly [keyof ClientPublishOptions, keyof PublishOptions])[];

/** The options of a publication that names none (`Session.publish`'s default): nothing to read. */
export const NO_PUBLISH_OPTIONS: ClientPublishOptions = Object.freeze({});

/** What an unacknowledged publish resolves with, once sent: one settled promise for all of them. */
const SENT: Promise<undefined> = Promise.resolve(undefined);

/** The publisher role: PUBLISH, acknowledged or not. */
export class Publisher implements Role {
  private readonly publishing = new PendingRequests<string, Publication>('PUBLISH');

  readonly messages: MessageTable = {
    [MessageType.PUBLISHED]: (m) => this.onPublished(m),
  };

  readonly errors: ErrorTable = {
    [MessageType.PUBLISH]: (m) => this.publishing.rejectWithError(m),
  };

  constructor(private readonly link: SessionLink) {}

  /** Resolves with the publication when acknowledged, else with `undefined` once sent. */
  publish(
    topic: string,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    options: ClientPublishOptions,
  ): Promise<Publication | undefined> {
    try {
      this.link.assertOpen();
      const wireOptions = this.wireOptions(options);
      const request = this.link.nextId();
      const message: Publish = {
        type: MessageType.PUBLISH,
        request,
        options: wireOptions,
        topic,
        args,
        kwargs,
      };
      if (!options.acknowledge) {
        this.link.send(message);
        return SENT;
      }
      return this.publishing.send(request, topic, () => this.link.send(message));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  close(error: Error): void {
    this.publishing.rejectAll(error);
  }

  /** PUBLISH options; recipient lists the broker cannot honour fail rather than reach everyone. */
  private wireOptions(options: ClientPublishOptions): PublishOptions {
    // A PUBLISH's Options are its own (message hooks may change them): a new empty dict.
    if (options === NO_PUBLISH_OPTIONS) return {};
    const broker = this.link.router;
    const wire: PublishOptions = { ...options.custom };
    if (options.acknowledge) wire.acknowledge = true;
    if (options.excludeMe === false) {
      broker.require('broker', 'publisher_exclusion', 'excludeMe: false');
      wire.exclude_me = false;
    }
    for (const [option, wireName] of RECIPIENT_LISTS) {
      const list = options[option];
      if (list === undefined) continue;
      broker.require('broker', 'subscriber_blackwhite_listing', option);
      (wire as Record<string, unknown>)[wireName] = list;
    }
    if (options.discloseMe && broker.has('broker', 'publisher_identification')) wire.disclose_me = true;
    return wire;
  }

  // [PUBLISHED, PUBLISH.Request|id, Publication|id]
  private onPublished(message: Published): void {
    const pending = this.publishing.take(message.request, 'PUBLISHED');
    pending.resolve({ id: message.publication, topic: pending.context });
  }
}
