// Who is asking: session cookie or bearer token; roles, token scopes and the CSRF origin check.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Role } from '../../db/schema.ts';
import type { AppDeps } from '../core/deps.ts';
import { ApiError, forbidden, unauthorized } from './errors.ts';
import { isSameOriginWrite } from './origin-check.ts';
import { SESSION_COOKIE, sessionCookie, validateApiToken, validateSessionToken, type User } from '../identity/sessions.ts';

export interface Actor {
  user: User;
  role: Role;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: string;
  /** What the credential may do: a session may write, a token only when its scope is write. */
  scope: 'read' | 'write';
}

export type AppEnv = { Variables: { deps: AppDeps; actor: Actor | null } };

const RANK: Record<Role, number> = { viewer: 0, editor: 1, publisher: 2, owner: 3 };

export const roleAtLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];

const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/** Resolves the actor from `Authorization: Bearer` or the session cookie; renews the cookie when due. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, clock, publicUrl } = c.get('deps');
  const now = clock.now();
  c.set('actor', null);
  const authorization = c.req.header('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const found = match?.[1] ? await validateApiToken(db, match[1], now) : null;
    if (!found) throw new ApiError(401, 'invalid_token', 'The API token is not valid or has been revoked.');
    c.set('actor', { user: found.user, role: found.user.role, via: 'token', tokenId: found.token.id, scope: found.token.scope });
    return next();
  }
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const found = await validateSessionToken(db, token, now);
    if (found) {
      c.set('actor', { user: found.user, role: found.user.role, via: 'session', sessionId: found.session.id, scope: 'write' });
      if (found.renewed) c.header('Set-Cookie', sessionCookie(token, publicUrl.startsWith('https:'), now), { append: true });
    }
  }
  return next();
};

/**
 * Refuses cross-site writes (the rule lives in api/http/origin-check.ts, shared with the console's form posts).
 * A bearer token is not sent by browsers on their own, so token requests need no origin check.
 */
export const csrfGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('actor')?.via === 'token') return next();
  if (!isSameOriginWrite(c.req.method, c.req.raw.headers, c.get('deps').publicUrl)) {
    throw new ApiError(403, 'csrf', 'Cross-site request refused: the Origin does not match this site.');
  }
  return next();
};

/** Signed in (any role). */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('actor')) throw unauthorized();
  return next();
};

/**
 * Signed in with at least `min`; for writes the credential must also allow writing
 * (a read-scoped token may only read, whatever its user's role).
 */
export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!actor) throw unauthorized();
    if (!isSafeMethod(c.req.method) && actor.scope !== 'write') {
      throw forbidden('This API token has read scope; writing needs a token with write scope.');
    }
    if (!roleAtLeast(actor.role, min)) throw forbidden(`This needs the ${min} role or higher; you are ${actor.role}.`);
    return next();
  };
}

/** The actor of a route behind requireAuth/requireRole. */
export function actorOf(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  return actor;
}
