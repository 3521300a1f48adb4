// /api/v1/me (the signed-in user and their sessions) and /api/v1/users (owners manage accounts; everyone signed in may list them).
import { and, asc, desc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { sessions, users } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';
import { actorOf, requireAuth, requireRole, type AppEnv } from '../http/access.ts';
import { countActiveOwners, emailSchema, findUser, findUserByEmail, insertUser, nameSchema, roleSchema, userAudit, userJson, type UserOut } from './accounts.ts';
import { write } from '../audit/write.ts';
import { badRequest, conflict, notFound } from '../core/errors.ts';
import { createOneTimeLink, linkUrl } from './one-time-links.ts';
import { attemptSucceeded, beginAttempt, clientAddress, loginKeys, rateLimited } from './login-limits.ts';
import { hashPassword, newPasswordSchema, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.ts';
import { invalidateSession, invalidateUserSessions, revokeUserTokens } from './sessions.ts';
import { type User } from '../core/actor.ts';
import { publicBaseUrl, getSettings } from '../core/settings.ts';
import { jsonBody } from '../http/validate.ts';

const atLeastOneField = (v: Record<string, unknown>) => Object.values(v).some((x) => x !== undefined);

const patchMeSchema = z
  .object({
    name: nameSchema.optional(),
    password: newPasswordSchema.optional(),
    current_password: z.string().max(PASSWORD_MAX_LENGTH).optional(),
  })
  .strict()
  .refine(atLeastOneField, 'Send at least one of name or password.')
  .refine((v) => v.password === undefined || v.current_password !== undefined, {
    message: 'Enter your current password to set a new one.',
    path: ['current_password'],
  });

const createUserSchema = z
  .object({
    email: emailSchema,
    name: nameSchema,
    role: roleSchema,
    /** Without a password the answer carries an invitation link for the person to set their own. */
    password: newPasswordSchema.optional(),
  })
  .strict();

const patchUserSchema = z
  .object({
    email: emailSchema.optional(),
    name: nameSchema.optional(),
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    password: newPasswordSchema.optional(),
  })
  .strict()
  .refine(atLeastOneField, 'Send at least one field to change.');

/** A new user: without a password, the link that lets the person set their own (null when a password was set). */
export interface NewUserOut extends UserOut {
  invitation_url: string | null;
}

/** A fresh invitation link for an existing user. */
export interface InvitationLinkOut {
  invitation_url: string;
}

/** One of your sessions (GET /api/v1/me/sessions). */
export interface SessionOut {
  id: string;
  created_at: string;
  last_used_at: string;
  user_agent: string | null;
  /** The session this request came with. */
  current: boolean;
}

async function userOr404(db: Executor, id: string): Promise<User> {
  const user = await findUser(db, id);
  if (!user) throw notFound('user');
  return user;
}

async function invitationUrl(c: Context<AppEnv>, tx: Executor, userId: string, now: Date): Promise<string> {
  const { token } = await createOneTimeLink(tx, 'invite', userId, now);
  const { publicUrl, invitationPath } = c.get('deps');
  return linkUrl(publicBaseUrl(await getSettings(tx), publicUrl), invitationPath, token);
}

/** Refuses a change that would leave nobody able to manage users and settings. */
async function keepAnOwner(tx: Executor, before: User, after: User): Promise<void> {
  const wasActiveOwner = before.role === 'owner' && !before.disabledAt;
  const isActiveOwner = after.role === 'owner' && !after.disabledAt;
  if (wasActiveOwner && !isActiveOwner && (await countActiveOwners(tx)) <= 1) {
    throw conflict('This is the last owner who can sign in; make someone else an owner first.');
  }
}

export function userRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/me', requireAuth, (c) => {
    const actor = actorOf(c);
    return c.json({ ...userJson(actor.user), via: actor.via, scope: actor.scope });
  });

  r.patch('/me', requireRole('viewer'), jsonBody(patchMeSchema), async (c) => {
    const { db, clock } = c.get('deps');
    const actor = actorOf(c);
    const body = c.req.valid('json');
    let passwordHash: string | undefined;
    if (body.password !== undefined) {
      // Guessing the current password through a borrowed session counts like failed sign-ins.
      const keys = loginKeys(actor.user.email, clientAddress(c));
      const wait = await beginAttempt(db, keys, clock.now());
      if (wait > 0) throw rateLimited(wait);
      const current = actor.user.passwordHash;
      if (!current || !(await verifyPassword(current, body.current_password ?? ''))) {
        throw badRequest('The current password is not right.', { current_password: 'The current password is not right.' });
      }
      await attemptSucceeded(db, keys);
      passwordHash = await hashPassword(body.password);
    }
    const user = await write(c.get('deps'), actor, async (w) => {
      const { tx, now } = w;
      const before = await userOr404(tx, actor.user.id);
      const after: User = { ...before, name: body.name ?? before.name, passwordHash: passwordHash ?? before.passwordHash, updatedAt: now };
      await tx.update(users).set({ name: after.name, passwordHash: after.passwordHash, updatedAt: now }).where(eq(users.id, before.id));
      // A new password signs out every other session: the old one may be why it was changed.
      if (passwordHash) await invalidateUserSessions(tx, before.id, actor.sessionId);
      await w.audit({ action: 'user.update_self', entityType: 'user', entityId: before.id, before: userAudit(before), after: userAudit(after) });
      return after;
    });
    return c.json(userJson(user));
  });

  /** Where you are signed in, newest use first: spot a session you do not recognise, and end it. */
  r.get('/me/sessions', requireAuth, async (c) => {
    const actor = actorOf(c);
    const rows = await c
      .get('deps')
      .db.select()
      .from(sessions)
      .where(eq(sessions.userId, actor.user.id))
      .orderBy(desc(sessions.lastUsedAt), desc(sessions.createdAt));
    return c.json({
      sessions: rows.map((s): SessionOut => ({
        id: s.id,
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        user_agent: s.userAgent,
        current: s.id === actor.sessionId,
      })),
    });
  });

  r.delete('/me/sessions/:id', requireRole('viewer'), async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    await write(c.get('deps'), actor, async (w) => {
      const { tx } = w;
      const rows = await tx.select().from(sessions).where(and(eq(sessions.id, id), eq(sessions.userId, actor.user.id))).limit(1);
      if (!rows[0]) throw notFound('session');
      await invalidateSession(tx, id);
      await w.audit({ action: 'session.revoke', entityType: 'session', entityId: id });
    });
    return c.body(null, 204);
  });

  r.get('/users', requireRole('viewer'), async (c) => {
    const rows = await c.get('deps').db.select().from(users).orderBy(asc(users.name), asc(users.email));
    return c.json({ users: rows.map(userJson) });
  });

  r.get('/users/:id', requireRole('viewer'), async (c) => {
    return c.json(userJson(await userOr404(c.get('deps').db, c.req.param('id'))));
  });

  r.post('/users', requireRole('owner'), jsonBody(createUserSchema), async (c) => {
    const actor = actorOf(c);
    const body = c.req.valid('json');
    const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
    const out = await write(c.get('deps'), actor, async (w) => {
      const { tx, now } = w;
      const user = await insertUser(tx, { email: body.email, name: body.name, role: body.role, passwordHash }, now);
      await w.audit({ action: 'user.create', entityType: 'user', entityId: user.id, after: userAudit(user) });
      const invitation_url = passwordHash ? null : await invitationUrl(c, tx, user.id, now);
      const created: NewUserOut = { ...userJson(user), invitation_url };
      return created;
    });
    return c.json(out, 201);
  });

  r.patch('/users/:id', requireRole('owner'), jsonBody(patchUserSchema), async (c) => {
    const actor = actorOf(c);
    const body = c.req.valid('json');
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    const user = await write(c.get('deps'), actor, async (w) => {
      const { tx, now } = w;
      const before = await userOr404(tx, c.req.param('id'));
      if (body.email && body.email !== before.email && (await findUserByEmail(tx, body.email))) {
        throw conflict(`A user with the email ${body.email} already exists.`);
      }
      const after: User = {
        ...before,
        email: body.email ?? before.email,
        name: body.name ?? before.name,
        role: body.role ?? before.role,
        disabledAt: body.disabled === undefined ? before.disabledAt : body.disabled ? (before.disabledAt ?? now) : null,
        passwordHash: passwordHash ?? before.passwordHash,
        updatedAt: now,
      };
      await keepAnOwner(tx, before, after);
      const { email, name, role, disabledAt, updatedAt } = after;
      await tx.update(users).set({ email, name, role, disabledAt, passwordHash: after.passwordHash, updatedAt }).where(eq(users.id, before.id));
      // Disabling or a password reset ends the person's sessions; the owner's own session survives a self-edit.
      if (after.disabledAt || passwordHash) await invalidateUserSessions(tx, before.id, actor.sessionId);
      // Their API tokens too, for good: a token kept through a disable would work again on re-enabling, and one
      // kept through a reset would outlive the credential the reset was meant to replace.
      const revoked = (!before.disabledAt && after.disabledAt) || passwordHash ? await revokeUserTokens(tx, before.id, now) : 0;
      await w.audit({ action: 'user.update', entityType: 'user', entityId: before.id, before: userAudit(before), after: revoked ? { ...userAudit(after), tokens_revoked: revoked } : userAudit(after) });
      return after;
    });
    return c.json(userJson(user));
  });

  /** A fresh invitation link (the old one stops working), e.g. when the first one expired. */
  r.post('/users/:id/invitation', requireRole('owner'), async (c) => {
    const url = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const user = await userOr404(tx, c.req.param('id'));
      if (user.disabledAt) throw conflict('This user is disabled; enable the account before inviting.');
      const link = await invitationUrl(c, tx, user.id, now);
      await w.audit({ action: 'user.invite', entityType: 'user', entityId: user.id });
      return link;
    });
    const out: InvitationLinkOut = { invitation_url: url };
    return c.json(out, 201);
  });

  r.delete('/users/:id', requireRole('owner'), async (c) => {
    const actor = actorOf(c);
    await write(c.get('deps'), actor, async (w) => {
      const { tx, now } = w;
      const before = await userOr404(tx, c.req.param('id'));
      if (before.id === actor.user.id) throw conflict('You cannot delete your own account; ask another owner.');
      await keepAnOwner(tx, before, { ...before, disabledAt: now });
      // Sessions, tokens and links go with the user (foreign keys cascade); incident roles become unassigned.
      await tx.delete(users).where(eq(users.id, before.id));
      await w.audit({ action: 'user.delete', entityType: 'user', entityId: before.id, before: userAudit(before) });
    });
    return c.body(null, 204);
  });

  return r;
}
