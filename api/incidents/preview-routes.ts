// POST /api/v1/preview: markdown rendered by the same sanitizing renderer as the public page (the console's composer preview).
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole, type AppEnv } from '../http/access.ts';
import { renderMarkdown } from '../core/markdown.ts';
import { jsonBody } from '../http/validate.ts';

const previewSchema = z.object({ markdown: z.string().max(50_000, 'At most 50,000 characters.') }).strict();

/** The markdown as the public page would show it (sanitized HTML). */
export interface PreviewOut {
  html: string;
}

export function previewRoutes() {
  const r = new Hono<AppEnv>();
  // Any signed-in user: it changes nothing, so viewers may try out the composer too.
  r.post('/preview', requireRole('viewer'), jsonBody(previewSchema), (c) => {
    c.header('Cache-Control', 'no-store');
    const out: PreviewOut = { html: renderMarkdown(c.req.valid('json').markdown) };
    return c.json(out);
  });
  return r;
}
