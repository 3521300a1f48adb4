// /api/v1/tokens: API tokens for scripts and alerting; shown once, stored hashed, revocable.
import { and, desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { TOKEN_SCOPES, apiTokens } from '../../db/schema.ts';
import { actorOf, requireRole, roleAtLeast, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { forbidden } from '../http/errors.ts';
import { notFound } from '../core/errors.ts';
import { isoOrNull } from '../core/iso.ts';
import { createApiToken, type ApiToken } from './sessions.ts';
import { jsonBody, oneLine, queryParams } from '../http/validate.ts';

const createTokenSchema = z
  .object({
    name: oneLine(z.string().trim().min(1, 'Name the token after what uses it.').max(100, 'Use at most 100 characters.')),
    scope: z.enum(TOKEN_SCOPES),
  })
  .strict();

const listQuery = z.object({ all: z.enum(['true', 'false']).optional() });

/** A token as the API lists it: never its secret or hash. */
export interface TokenOut {
  id: string;
  name: string;
  scope: ApiToken['scope'];
  user_id: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The answer to creating a token: the only time its secret is shown. */
export interface NewTokenOut extends TokenOut {
  token: string;
}

function tokenJson(t: ApiToken): TokenOut {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    user_id: t.userId,
    created_at: t.createdAt.toISOString(),
    last_used_at: isoOrNull(t.lastUsedAt),
    revoked_at: isoOrNull(t.revokedAt),
  };
}

/** What the audit log keeps of a token. */
function tokenAudit(t: ApiToken) {
  const { secretHash: _hash, ...rest } = t;
  return rest;
}

export function tokenRoutes() {
  const r = new Hono<AppEnv>();

  /** Your own tokens, newest first; an owner may ask for everyone's with `?all=true`. */
  r.get('/tokens', requireRole('viewer'), queryParams(listQuery), async (c) => {
    const actor = actorOf(c);
    const all = c.req.valid('query').all === 'true';
    if (all && !roleAtLeast(actor.role, 'owner')) throw forbidden('Only owners may list everyone’s tokens.');
    const rows = await c
      .get('deps')
      .db.select()
      .from(apiTokens)
      .where(all ? undefined : eq(apiTokens.userId, actor.user.id))
      .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
    return c.json({ tokens: rows.map(tokenJson) });
  });

  r.post('/tokens', requireRole('viewer'), jsonBody(createTokenSchema), async (c) => {
    const actor = actorOf(c);
    // A leaked token must not be able to mint tokens that outlive its own revocation.
    if (actor.via !== 'session') throw forbidden('Create API tokens while signed in, not with another token.');
    const body = c.req.valid('json');
    // An alerts token may set component statuses (component automation): a publisher's decision.
    if (body.scope === 'alerts' && !roleAtLeast(actor.role, 'publisher')) throw forbidden('An alerts token needs the publisher role or higher.');
    const created = await write(c.get('deps'), actor, async (w) => {
      const made = await createApiToken(w.tx, { userId: actor.user.id, name: body.name, scope: body.scope }, w.now);
      await w.audit({ action: 'token.create', entityType: 'api_token', entityId: made.row.id, after: tokenAudit(made.row) });
      return made;
    });
    c.header('Cache-Control', 'no-store');
    const out: NewTokenOut = { ...tokenJson(created.row), token: created.token };
    return c.json(out, 201);
  });

  /** Revoke: your own tokens, or anyone's for an owner. Revoking twice is not an error. */
  r.delete('/tokens/:id', requireRole('viewer'), async (c) => {
    const actor = actorOf(c);
    await write(c.get('deps'), actor, async (w) => {
      const { tx, now } = w;
      const id = c.req.param('id');
      const mine = roleAtLeast(actor.role, 'owner') ? undefined : eq(apiTokens.userId, actor.user.id);
      const rows = await tx.select().from(apiTokens).where(and(eq(apiTokens.id, id), mine)).limit(1);
      const before = rows[0];
      // Someone else's token answers as unknown: its existence is not a non-owner's business.
      if (!before) throw notFound('API token');
      if (before.revokedAt) return;
      await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id));
      await w.audit({ action: 'token.revoke', entityType: 'api_token', entityId: id, before: tokenAudit(before), after: tokenAudit({ ...before, revokedAt: now }) });
    });
    return c.body(null, 204);
  });

  return r;
}
