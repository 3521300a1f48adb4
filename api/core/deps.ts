// What createApp needs from the outside world: no globals, no env reads inside handlers.
import type { DB } from '../../db/client.ts';
import type { Mailer } from '../notify/mailer.ts';
import type { DeliveryOptions } from '../notify/outbox.ts';

/** The injected clock: tests of cadence, targets and schedules set the time exactly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  #t: number;
  constructor(start: Date | number = Date.UTC(2026, 0, 1, 12)) {
    this.#t = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.#t);
  }
  set(t: Date | number): void {
    this.#t = typeof t === 'number' ? t : t.getTime();
  }
  advance(ms: number): void {
    this.#t += ms;
  }
}

export interface AppDeps {
  db: DB;
  clock: Clock;
  /** Base URL used in shortlinks, feeds, emails and the CSRF origin check, without a trailing slash. */
  publicUrl: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /**
   * Behind a reverse proxy: take the client address from X-Forwarded-For (login rate limits key on it).
   * Off by default, because a client could otherwise pick its own address.
   */
  trustProxy?: boolean;
  /** Sends subscriber email; without one, email stays in the outbox as `held` (shown in the console). */
  mailer?: Mailer;
  /** Outbox delivery: attempts, backoff, lease, batch size (api/notify/outbox.ts has the defaults). */
  delivery?: Partial<DeliveryOptions>;
  /** Where log lines go; defaults to nowhere (tests), the server passes console. */
  log?: (line: string) => void;
}
