// Under `astro dev` only: /api/* reaches the same Hono app (in production api/server/server.ts answers /api before Astro).
import type { APIRoute } from 'astro';

export const prerender = false;

export const ALL: APIRoute = ({ request, locals }) => locals.herald.app.fetch(request);
