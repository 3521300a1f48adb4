// Messages to a Herald user rather than a subscriber: the password reset email. Queued in the outbox like every
// message (held there when no SMTP server is configured), to the user's internal recipient; composed when sent, from
// the user's current address and a token signed from the link's id, so no usable link is stored anywhere.
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { oneTimeLinks, outbox, outboxEvents, users } from '../../db/schema.ts';
import type { AppDeps, MailMessage } from '../core/deps.ts';
import { newId } from '../core/ids.ts';
import { getSettings, publicBaseUrl } from '../core/settings.ts';
import { safeTimeZone } from '../core/time-format.ts';
import { RESET_TTL_MS, resetToken } from '../identity/password-reset.ts';
import { linkUrl } from '../identity/one-time-links.ts';
import { userRecipient } from '../response/internal-recipients.ts';
import { passwordResetMessage } from './email-templates.ts';

const PASSWORD_RESET_KIND = 'password_reset';

/** What the outbox event of a reset email holds: whom, and which link (never the token). */
export interface AccountMailRef {
  type: 'account';
  userId: string;
  linkId: string;
}

export function isAccountMailRef(v: unknown): v is AccountMailRef {
  return !!v && typeof v === 'object' && (v as { type?: unknown }).type === 'account';
}

/** Queues the reset email for `linkId`, once (the event's key is the link). */
export async function enqueuePasswordReset(tx: Executor, userId: string, linkId: string, now: Date): Promise<void> {
  const [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, userId));
  if (!user) return;
  // The user's internal recipient, the one pages and reminders to them use: one per user, made on first use.
  const recipientId = (await userRecipient(tx, user, now)).id;
  const eventId = newId();
  const content: AccountMailRef = { type: 'account', userId, linkId };
  const inserted = await tx
    .insert(outboxEvents)
    .values({ id: eventId, key: `${PASSWORD_RESET_KIND}:${linkId}`, kind: PASSWORD_RESET_KIND, incidentId: null, content, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: outboxEvents.id });
  if (!inserted.length) return;
  await tx.insert(outbox).values({ eventId, recipientId, channel: 'email', state: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now });
}

/**
 * The reset email as it goes out (or as the delivery log shows it), or null when it should not go out any more:
 * the link was used, replaced or expired, or the account is disabled or gone. `showLink: false` leaves the link out
 * (a reset link lets whoever holds it into the account: only owners read it in the log).
 */
export async function composeAccountMail(deps: Pick<AppDeps, 'db' | 'publicUrl' | 'passwordResetPath' | 'clock'>, ref: AccountMailRef, opts: { showLink: boolean } = { showLink: true }): Promise<MailMessage | null> {
  const { db } = deps;
  const now = deps.clock.now();
  const [row] = await db
    .select({ id: oneTimeLinks.id, email: users.email, name: users.name })
    .from(oneTimeLinks)
    .innerJoin(users, eq(users.id, oneTimeLinks.userId))
    .where(and(eq(oneTimeLinks.id, ref.linkId), eq(oneTimeLinks.purpose, 'reset'), eq(oneTimeLinks.userId, ref.userId), isNull(oneTimeLinks.usedAt), gt(oneTimeLinks.expiresAt, now), isNull(users.disabledAt)));
  if (!row) return null;
  const settings = await getSettings(db);
  const base = publicBaseUrl(settings, deps.publicUrl);
  const link = opts.showLink ? linkUrl(base, deps.passwordResetPath, await resetToken(db, row.id)) : null;
  return passwordResetMessage({ pageName: settings.pageName, base, timeZone: safeTimeZone(settings.timeZone) }, { name: row.name, email: row.email }, link, row.id, Math.round(RESET_TTL_MS / 60_000));
}
