// Who is asking: the API's `authenticate` middleware (bearer token or session cookie) and the same for page requests.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ApiError } from '../http/errors.ts';
import type { AppEnv } from '../http/access.ts';
import { SESSION_COOKIE, type Actor } from '../core/actor.ts';
import type { AppDeps } from '../core/deps.ts';
import { sessionCookie, validateApiToken, validateSessionToken } from './sessions.ts';

export interface PageActor {
  actor: Actor | null;
  /** A Set-Cookie value to send when the session was renewed. */
  setCookie: string | null;
}

const NOBODY: PageActor = { actor: null, setCookie: null };

/** The session token in a Cookie header, if any. */
function sessionTokenFromCookieHeader(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      try {
        return value ? decodeURIComponent(value) : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Resolves the actor the same way the API's `authenticate` does for cookies. */
export async function resolvePageActor(deps: AppDeps, cookieHeader: string | null | undefined): Promise<PageActor> {
  const token = sessionTokenFromCookieHeader(cookieHeader);
  if (!token) return NOBODY;
  const now = deps.clock.now();
  const found = await validateSessionToken(deps.db, token, now);
  if (!found) return NOBODY;
  const actor: Actor = { user: found.user, role: found.user.role, via: 'session', sessionId: found.session.id, scope: 'write' };
  return { actor, setCookie: found.renewed ? sessionCookie(token, deps.publicUrl.startsWith('https:'), now) : null };
}

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
