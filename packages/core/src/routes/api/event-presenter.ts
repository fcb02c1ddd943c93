import type { Static } from '@sinclair/typebox';
import type { Event } from '@palisade/schema';
import type { StoredEvent } from '../../events/events-repository.ts';

/** A stored event in the contract's Event shape. */
export function presentEvent(event: StoredEvent): Static<typeof Event> {
  return {
    pk: event.uuid,
    user: event.user,
    action: event.action as Static<typeof Event>['action'],
    app: event.app,
    context: event.context,
    client_ip: event.clientIp,
    created: event.created.toISOString(),
    expires: event.expires.toISOString(),
    brand: event.brand,
  };
}
