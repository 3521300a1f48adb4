// The start of every console page: no-store headers, the signed-in check, the role check, and the API client.
import type { AstroGlobal } from 'astro';
import type { Actor } from '../../api/core/actor.ts';
import { roleAtLeast, type Role } from '../../api/core/vocabulary.ts';
import { ConsoleApi } from './api.ts';

export const can = (actor: Actor | null, min: Role): boolean => !!actor && roleAtLeast(actor.role, min);

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
  // A control character (CR/LF) would make the redirect's Location header invalid: a 500 instead of a redirect.
  if (!next || !next.startsWith('/admin') || next.startsWith('//') || next.includes('\\') || /[\u0000-\u001f\u007f]/.test(next)) return '/admin';
  return next;
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' } });
}

/**
 * Signed in, and at least `min` (default viewer). Returns a Response to send instead of the page: a redirect to
 * sign in, or, for a role that may not see it at all, the console's 403 page (admin/pages/forbidden.astro, in
 * the console's frame, so the way on is one click).
 */
export async function consolePage(astro: AstroGlobal, min: Role = 'viewer'): Promise<ConsolePage | Response> {
  noStore(astro);
  const actor = astro.locals.herald.actor;
  if (!actor) {
    const next = astro.url.pathname + astro.url.search;
    return seeOther(`/admin/login?next=${encodeURIComponent(next)}`);
  }
  if (!can(actor, min)) return astro.rewrite(`/admin/forbidden?need=${min}`);
  return { actor, api: new ConsoleApi(astro) };
}
