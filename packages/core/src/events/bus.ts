import { EventEmitter } from 'node:events';

/** The domain events the core publishes, and what each carries. */
export interface DomainEvents {
  /** A core login session ended (sign-out, revocation, deactivation): outposts drop what they cached for it. */
  'session.end': { sessionUuid: string; userId: number };
  /** An outpost was created or changed (committed); `previousServiceConnection` is undefined on create. */
  'outpost.saved': { uuid: string; previousServiceConnection?: string | null };
  /** An outpost was deleted (committed): what the controllers need to tear its deployment down. */
  'outpost.deleted': { uuid: string; name: string; serviceConnection: string | null };
}

/**
 * In-process publish/subscribe for domain events. Listeners run synchronously after the change committed; a
 * throwing listener is logged by its owner, never the publisher's problem. Other core processes hear of
 * `session.end` through the outpost hub, which relays it over the cluster bus (outposts/hub/session-end.ts).
 */
export class EventBus {
  readonly #emitter = new EventEmitter();

  on<K extends keyof DomainEvents>(name: K, listener: (event: DomainEvents[K]) => void): () => void {
    const safe = (event: DomainEvents[K]) => {
      try {
        listener(event);
      } catch {
        // A listener's failure must not undo or interrupt the change that was published.
      }
    };
    this.#emitter.on(name, safe);
    return () => this.#emitter.off(name, safe);
  }

  emit<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
    this.#emitter.emit(name, event);
  }
}
