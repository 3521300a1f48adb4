// One write: a transaction, its audit entries, and the content version when what it changed is public.
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../core/actor.ts';
import type { AppDeps } from '../core/deps.ts';
import type { DomainEvents } from '../core/events.ts';
import { bumpContentVersion, recordAudit, type AuditEntry } from './audit.ts';

/** `Write<Actor>` when what is written needs a person (an author); plain `Write` otherwise. */
export interface Write<A extends Actor | null = Actor | null> {
  readonly tx: Tx;
  /** Null when the server itself writes (the scheduler, the maintenance worker). */
  readonly actor: A;
  readonly now: Date;
  /** Where the write announces what happened, in this transaction. */
  readonly events: DomainEvents;
  /**
   * Records an audit entry. `public: true` when what it changed shows on the public page: the content
   * version is bumped once, at the end of the transaction, so every instance drops its page cache.
   * `as` names another actor for this entry: a sign-in names the session it has just created.
   */
  audit(entry: AuditEntry, opts?: { public?: boolean; as?: Actor | null }): Promise<void>;
  /** The public page changed by this write, beyond what its audit entries said. */
  changedPublic(): void;
}

/** Runs `fn` in one transaction at one instant (`deps.clock.now()`); everything commits or nothing does. */
export function write<T, A extends Actor | null>(deps: Pick<AppDeps, 'db' | 'clock' | 'events'>, actor: A, fn: (w: Write<A>) => Promise<T>): Promise<T> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    let publicChange = false;
    const w: Write<A> = {
      tx,
      actor,
      now,
      events: deps.events,
      async audit(entry, opts) {
        await recordAudit(tx, opts?.as === undefined ? actor : opts.as, entry, now);
        if (opts?.public) publicChange = true;
      },
      changedPublic() {
        publicChange = true;
      },
    };
    const result = await fn(w);
    if (publicChange) await bumpContentVersion(tx, now);
    return result;
  });
}

/** A handler's write announces nothing further: the writer's events are handled once, in one place. */
const NO_FURTHER_EVENTS = new Proxy({} as DomainEvents, {
  get() {
    throw new Error('a domain event handler emitted another event: emit it from the write itself');
  },
});

/**
 * The Write of a domain event's handler, in the writer's transaction: what the handler records (pages sent on open)
 * is audited in it. Its public changes are the writer's business, so it has none of its own.
 */
export function writeWithin<A extends Actor | null>(tx: Tx, actor: A, now: Date): Write<A> {
  return {
    tx,
    actor,
    now,
    events: NO_FURTHER_EVENTS,
    async audit(entry, opts) {
      if (opts?.public) throw new Error('a domain event handler changed the public page: do that in the write itself');
      await recordAudit(tx, opts?.as === undefined ? actor : opts.as, entry, now);
    },
    changedPublic() {
      throw new Error('a domain event handler changed the public page: do that in the write itself');
    },
  };
}
