// What createApp needs from the outside world: no globals, no env reads inside handlers.
import type { DB } from '../../db/client.ts';
import type { DomainEvents } from './events.ts';

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

/** One message, fully rendered: the outbox worker builds it, the mailer only carries it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Without angle brackets, e.g. `update.abc.def@status.example.com`. */
  messageId: string;
  /** Extra headers: In-Reply-To, References, List-Unsubscribe, List-Unsubscribe-Post, List-Id... */
  headers: Record<string, string>;
}

export interface Mailer {
  /** Resolves when the server accepted the message; rejects with MailError (notify/mailer.ts) otherwise. */
  send(message: MailMessage): Promise<void>;
  /** Closes pooled connections (the server calls it on shutdown, tests after each run). */
  close(): void;
}

export interface DeliveryOptions {
  /** Attempts before a message is marked failed (the first try counts). */
  maxAttempts: number;
  /** Wait after the first failure; doubles with each further failure, up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** How long a claim holds a row: a worker that dies leaves its rows to others after this. */
  leaseMs: number;
  /** Rows claimed per conditional update. */
  batchSize: number;
  /** Messages in flight at once (about twice the SMTP pool's connections keeps every connection busy). */
  concurrency: number;
}

export interface AppDeps {
  db: DB;
  clock: Clock;
  /** Where writes announce what happened, in their transaction (notify/events.ts handles them). */
  events: DomainEvents;
  /** Base URL used in shortlinks, feeds, emails and the CSRF origin check, without a trailing slash. */
  publicUrl: string;
  /**
   * The path (under the public URL) of the console page that takes an invitation link's token. The console owns
   * its paths (admin/paths.ts) and the server passes this one in, so the API links to a page it does not know.
   */
  invitationPath: string;
  /** The console page that takes a password reset link's token (admin/paths.ts), for the reset email. */
  passwordResetPath: string;
  /**
   * The console pages the response team's messages link to (admin/paths.ts, passed in like invitationPath): the page
   * that takes a page's acknowledge link, and where the incidents are (`<incidents>/<id>`).
   */
  responseLinks: { acknowledge: string; incidents: string };
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /**
   * Behind a reverse proxy: take the client address from X-Forwarded-For (login rate limits key on it).
   * Off by default, because a client could otherwise pick its own address.
   */
  trustProxy?: boolean;
  /** Sends subscriber email; without one, email stays in the outbox as `held` (shown in the console). */
  mailer?: Mailer;
  /** Outbox delivery: attempts, backoff, lease, batch size (api/notify/deliver.ts has the defaults). */
  delivery?: Partial<DeliveryOptions>;
  /**
   * Outgoing webhooks. `allowPrivate` (WEBHOOK_ALLOW_PRIVATE) lets them reach loopback, private and link-local
   * addresses, for on-premises receivers and the tests' loopback receivers; `resolve` replaces DNS (tests).
   */
  webhooks?: { allowPrivate?: boolean; resolve?: (hostname: string) => Promise<{ address: string; family: number }[]> };
  /** Where log lines go; defaults to nowhere (tests), the server passes console. */
  log?: (line: string) => void;
}
