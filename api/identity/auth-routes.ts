// /api/auth: sign-in, sign-out, the first owner's setup link, accepting an invitation and resetting a forgotten password.
import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';
import type { Actor } from '../core/actor.ts';
import type { AppEnv } from '../http/access.ts';
import { countUsers, emailSchema, findUser, findUserByEmail, insertUser, nameSchema, userAudit, userJson } from './accounts.ts';
import { write, type Write } from '../audit/write.ts';
import { ApiError } from '../http/errors.ts';
import { conflict } from '../core/errors.ts';
import { attemptSucceeded, beginAttempt, clientAddress, loginKeys, rateLimited, RESET_ACCOUNT_POLICY, RESET_ADDRESS_POLICY, type LimitKey } from './login-limits.ts';
import { completePasswordReset, requestPasswordReset, usableResetLink } from './password-reset.ts';
import { consumeOneTimeLink, findOneTimeLink, type LinkPurpose } from './one-time-links.ts';
import { hashPassword, newPasswordSchema, PASSWORD_MAX_LENGTH, verifyAgainstNothing, verifyPassword } from './passwords.ts';
import { blankSessionCookie, createSession, hashSecret, invalidateSession, purgeExpiredSessions, sessionCookie } from './sessions.ts';
import { type User } from '../core/actor.ts';
import { jsonBody, queryParams } from '../http/validate.ts';

const loginSchema = z.object({
  email: emailSchema,
  // Any length up to the cap: old passwords may predate today's rules.
  password: z.string().min(1, 'Enter your password.').max(PASSWORD_MAX_LENGTH),
});

const tokenSchema = z.string().trim().min(1, 'The link is missing its token.').max(200);

const resetRequestSchema = z.object({ email: emailSchema }).strict();
const resetSchema = z.object({ token: tokenSchema, password: newPasswordSchema }).strict();

/** Who a reset link is for (GET /api/auth/password-reset), so the page can say whose password it sets. */
export interface ResetLinkOut {
  email: string;
  expires_at: string;
}

/** Reset requests count against the client's address and the address asked for, whether or not it has an account. */
function resetKeys(email: string, address: string): LimitKey[] {
  return [
    { key: `reset-address:${hashSecret(address)}`, policy: RESET_ADDRESS_POLICY },
    { key: `reset-account:${hashSecret(email.toLowerCase())}`, policy: RESET_ACCOUNT_POLICY },
  ];
}

const setupSchema = z.object({ token: tokenSchema, email: emailSchema, name: nameSchema, password: newPasswordSchema }).strict();
const invitationSchema = z.object({ token: tokenSchema, password: newPasswordSchema, name: nameSchema.optional() }).strict();

/** Who an invitation link is for (GET /api/auth/invitation), so the page can greet them before they set a password. */
export interface InvitedOut {
  email: string;
  name: string;
  role: User['role'];
}

const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'The email or password is not right.');

const invalidLink = () =>
  new ApiError(404, 'invalid_link', 'This link is not valid: it was used already, replaced by a newer one, or it expired.');

const isSecure = (c: Context<AppEnv>) => c.get('deps').publicUrl.startsWith('https:');

/** The actor the audit log names for a sign-in, which happens before any actor exists. */
function sessionActor(user: User, sessionId?: string): Actor {
  return { user, role: user.role, via: 'session', sessionId, scope: 'write' };
}

/** Creates a session for `user` in the write, audits it (by that session), and sets the cookie on the response. */
async function signIn(c: Context<AppEnv>, w: Write, user: User, action: string): Promise<void> {
  const { token, session } = await createSession(w.tx, user.id, w.now, c.req.header('user-agent'));
  await w.audit({ action, entityType: 'session', entityId: session.id }, { as: sessionActor(user, session.id) });
  c.header('Set-Cookie', sessionCookie(token, isSecure(c), w.now), { append: true });
}

async function usableLink(db: Executor, token: string, purpose: LinkPurpose, now: Date) {
  const link = await findOneTimeLink(db, token, purpose, now);
  if (!link) throw invalidLink();
  return link;
}

export function authRoutes() {
  const r = new Hono<AppEnv>();
  // Answers here carry session cookies and account details: no cache may keep them.
  r.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  r.post('/login', jsonBody(loginSchema), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const { email, password } = c.req.valid('json');
    const keys = loginKeys(email, clientAddress(c));
    const wait = await beginAttempt(db, keys, clock.now());
    if (wait > 0) throw rateLimited(wait);
    // Unknown email, disabled account, no password yet, wrong password: one answer, one cost.
    const user = await findUserByEmail(db, email);
    const ok = user?.passwordHash && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : await verifyAgainstNothing(password);
    if (!ok || !user) throw invalidCredentials(); // already counted by beginAttempt
    // A browser that was signed in (perhaps as someone else) gets a fresh session, never keeps the old one.
    const previous = c.get('actor');
    // No actor yet: the sign-in's entry names the session it creates.
    await write(deps, null, async (w) => {
      const { tx, now } = w;
      await attemptSucceeded(tx, keys);
      if (previous?.via === 'session' && previous.sessionId) await invalidateSession(tx, previous.sessionId);
      await purgeExpiredSessions(tx, now);
      await signIn(c, w, user, 'session.login');
    });
    return c.json({ id: user.id, email: user.email, name: user.name, role: user.role });
  });

  r.post('/logout', async (c) => {
    const actor = c.get('actor');
    if (actor?.via === 'session' && actor.sessionId) {
      const sessionId = actor.sessionId;
      await write(c.get('deps'), actor, async (w) => {
        await invalidateSession(w.tx, sessionId);
        await w.audit({ action: 'session.logout', entityType: 'session', entityId: sessionId });
      });
    }
    c.header('Set-Cookie', blankSessionCookie(isSecure(c)), { append: true });
    return c.body(null, 204);
  });

  // The setup page asks first, so a stale link shows a clear message instead of a form.
  r.get('/setup', queryParams(z.object({ token: tokenSchema })), async (c) => {
    const { db, clock } = c.get('deps');
    await usableLink(db, c.req.valid('query').token, 'setup', clock.now());
    if ((await countUsers(db)) > 0) throw conflict('Herald already has an owner; sign in instead.');
    return c.json({ valid: true });
  });

  r.post('/setup', jsonBody(setupSchema), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const body = c.req.valid('json');
    await usableLink(db, body.token, 'setup', clock.now());
    const passwordHash = await hashPassword(body.password);
    // Nobody is signed in: the entries name the owner being created.
    const user = await write(deps, null, async (w) => {
      const { tx, now } = w;
      const link = await usableLink(tx, body.token, 'setup', now);
      if ((await countUsers(tx)) > 0) throw conflict('Herald already has an owner; sign in instead.');
      if (!(await consumeOneTimeLink(tx, link.id, now))) throw invalidLink();
      const created = await insertUser(tx, { email: body.email, name: body.name, role: 'owner', passwordHash }, now);
      await w.audit({ action: 'user.setup', entityType: 'user', entityId: created.id, after: userAudit(created) }, { as: sessionActor(created) });
      await signIn(c, w, created, 'session.login');
      return created;
    });
    return c.json(userJson(user), 201);
  });

  r.get('/invitation', queryParams(z.object({ token: tokenSchema })), async (c) => {
    const { db, clock } = c.get('deps');
    const link = await usableLink(db, c.req.valid('query').token, 'invite', clock.now());
    const user = link.userId ? await findUser(db, link.userId) : undefined;
    if (!user || user.disabledAt) throw invalidLink();
    const out: InvitedOut = { email: user.email, name: user.name, role: user.role };
    return c.json(out);
  });

  r.post('/invitation', jsonBody(invitationSchema), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const body = c.req.valid('json');
    await usableLink(db, body.token, 'invite', clock.now());
    const passwordHash = await hashPassword(body.password);
    // Nobody is signed in: the entries name the invited user.
    const user = await write(deps, null, async (w) => {
      const { tx, now } = w;
      const link = await usableLink(tx, body.token, 'invite', now);
      const before = link.userId ? await findUser(tx, link.userId) : undefined;
      if (!before || before.disabledAt || !(await consumeOneTimeLink(tx, link.id, now))) throw invalidLink();
      const after: User = { ...before, passwordHash, name: body.name ?? before.name, updatedAt: now };
      await tx.update(users).set({ passwordHash, name: after.name, updatedAt: now }).where(eq(users.id, before.id));
      await w.audit(
        { action: 'user.accept_invitation', entityType: 'user', entityId: after.id, before: userAudit(before), after: userAudit(after) },
        { as: sessionActor(after) },
      );
      await signIn(c, w, after, 'session.login');
      return after;
    });
    return c.json(userJson(user));
  });

  // Forgotten passwords. The request's answer is the same 202 for every address, known or not, active or not; the
  // link goes by email (held in the outbox without SMTP), works for an hour, once.
  r.post('/password-reset', jsonBody(resetRequestSchema), async (c) => {
    const deps = c.get('deps');
    const { email } = c.req.valid('json');
    const wait = await beginAttempt(deps.db, resetKeys(email, clientAddress(c)), deps.clock.now());
    if (wait > 0) throw rateLimited(wait);
    await write(deps, null, (w) => requestPasswordReset(w, email));
    return c.json({ requested: true }, 202);
  });

  // The reset page asks first, so a used or expired link shows a clear message instead of a form.
  r.get('/password-reset', queryParams(z.object({ token: tokenSchema })), async (c) => {
    const { db, clock } = c.get('deps');
    const found = await usableResetLink(db, c.req.valid('query').token, clock.now());
    if (!found) throw invalidLink();
    const out: ResetLinkOut = { email: found.user.email, expires_at: found.link.expiresAt.toISOString() };
    return c.json(out);
  });

  r.post('/password-reset/confirm', jsonBody(resetSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    if (!(await usableResetLink(deps.db, body.token, deps.clock.now()))) throw invalidLink();
    const passwordHash = await hashPassword(body.password);
    const user = await write(deps, null, async (w) => {
      const found = await usableResetLink(w.tx, body.token, w.now);
      if (!found) throw invalidLink();
      const actor = sessionActor(found.user);
      if (!(await completePasswordReset({ ...w, actor, audit: (entry, opts) => w.audit(entry, { as: actor, ...opts }) }, found.link, found.user.id, passwordHash))) throw invalidLink();
      // Signed in with the new password at once; every earlier session of the account has ended.
      await signIn(c, w, found.user, 'session.login');
      return found.user;
    });
    return c.json(userJson(user));
  });

  return r;
}
