// The signed-in actor for a page request (Astro pages see only the session cookie, never a bearer token).
import type { Actor } from '../http/access.ts';
import type { AppDeps } from '../core/deps.ts';
import { SESSION_COOKIE, sessionCookie, validateSessionToken } from './sessions.ts';

export interface PageActor {
  actor: Actor | null;
  /** A Set-Cookie value to send when the session was renewed. */
  setCookie: string | null;
}

const NOBODY: PageActor = { actor: null, setCookie: null };

/** The session token in a Cookie header, if any. */
export function sessionTokenFromCookieHeader(cookieHeader: string | null | undefined): string | null {
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
