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

const ALERTS_ONLY = 'This API token has alerts scope: it may only post alerts (POST /api/v1/alerts…).';

/** Signed in (any role). */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  if (actor.scope === 'alerts') throw forbidden(ALERTS_ONLY);
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
    if (actor.scope === 'alerts') throw forbidden(ALERTS_ONLY);
    if (!isSafeMethod(c.req.method) && actor.scope !== 'write') {
      throw forbidden('This API token has read scope; writing needs a token with write scope.');
    }
    if (!roleAtLeast(actor.role, min)) throw forbidden(`This needs the ${min} role or higher; you are ${actor.role}.`);
    return next();
  };
}

/**
 * Alert intake: a token with alerts or write scope (or a session), whose user is at least a publisher,
 * because an alert may set a component's public status (component automation).
 */
export const requireAlertIntake: MiddlewareHandler<AppEnv> = async (c, next) => {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  if (actor.scope === 'read') throw forbidden('This API token has read scope; posting alerts needs a token with alerts or write scope.');
  if (!roleAtLeast(actor.role, 'publisher')) throw forbidden(`Posting alerts needs the publisher role or higher; you are ${actor.role}.`);
  return next();
};

/** The actor of a route behind requireAuth/requireRole. */
export function actorOf(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  return actor;
}
