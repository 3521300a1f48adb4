// The start of every console page: no-store headers, the signed-in check, the role check, and the API client.
import type { AstroGlobal } from 'astro';
import type { Actor } from '../../api/access.ts';
import type { Role } from '../../db/schema.ts';
import { ConsoleApi } from './api.ts';

const RANK: Record<Role, number> = { viewer: 0, editor: 1, publisher: 2, owner: 3 };

export const can = (actor: Actor | null, min: Role): boolean => !!actor && RANK[actor.role] >= RANK[min];

export interface ConsolePage {
  actor: Actor;
  api: ConsoleApi;
}

/** Console pages are per-user and change every minute: never cached by anyone. */
export function noStore(astro: Pick<AstroGlobal, 'response'>): void {
  astro.response.headers.set('Cache-Control', 'no-store');
  astro.response.headers.set('X-Robots-Tag', 'noindex');
}

/** A path inside the console to come back to after signing in; anything else goes to the dashboard. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/admin') || next.startsWith('//') || next.includes('\\')) return '/admin';
  return next;
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' } });
}

/**
 * Signed in, and at least `min` (default viewer). Returns a Response to send instead of the page:
 * a redirect to sign in, or a 403 page for a role that may not see it at all.
 */
export function consolePage(astro: AstroGlobal, min: Role = 'viewer'): ConsolePage | Response {
  noStore(astro);
  const actor = astro.locals.herald.actor;
  if (!actor) {
    const next = astro.url.pathname + astro.url.search;
    return seeOther(`/admin/login?next=${encodeURIComponent(next)}`);
  }
  if (!can(actor, min)) {
    return new Response(`This page needs the ${min} role; you are signed in as ${actor.role}.`, {
      status: 403,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return { actor, api: new ConsoleApi(astro) };
}
