// What the asker may do: roles, token scopes and the CSRF origin check (identity/authenticate.ts finds who is asking).
import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../../db/schema.ts';
import type { Actor } from '../core/actor.ts';
import type { AppDeps } from '../core/deps.ts';
import { roleAtLeast } from '../core/vocabulary.ts';
import { ApiError, forbidden, unauthorized } from './errors.ts';
import { isSameOriginWrite } from './origin-check.ts';


export type AppEnv = { Variables: { deps: AppDeps; actor: Actor | null } };

/** The rule is the vocabulary's; the routes that check a role inline take it from here. */
export { roleAtLeast };

const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

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
