// GET /embed.js (mounted at /): the <herald-status> widget's script (api/public/embed-widget.js) with the page's
// address filled in, served from the page cache like the pages, so that a new public URL reaches it.
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppEnv } from '../http/access.ts';
import { loadPageContext } from './statuspage-read.ts';

const SCRIPT_CONTENT_TYPE = 'text/javascript; charset=utf-8';
const PLACEHOLDER = "'__HERALD_BASE__'";

/**
 * The script without what only its readers need: comment lines, JSDoc (the types `// @ts-check` reads), indentation
 * and blank lines. Line breaks stay, so nothing depends on automatic semicolon insertion changing. Comments inside
 * strings are never touched: only whole comment lines and inline `/** … *\/` casts go, and the source has neither
 * inside a string.
 */
function compactScript(source: string): string {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (inBlock) {
      if (line.includes('*/')) inBlock = false;
      continue;
    }
    if (line.startsWith('/*')) {
      if (!line.includes('*/')) inBlock = true;
      // A block comment on a line of its own goes; one before code (a JSDoc cast) goes too, the code stays.
      const rest = line.includes('*/') ? line.slice(line.indexOf('*/') + 2).trim() : '';
      if (rest) out.push(rest);
      continue;
    }
    if (line === '' || line.startsWith('//')) continue;
    out.push(line.replace(/\/\*\*[^*]*\*\/\s*/g, ''));
  }
  return `${out.join('\n')}\n`;
}

let compacted: string | null = null;

/** The compacted widget, read once per process. */
function widgetSource(): string {
  compacted ??= compactScript(readFileSync(new URL('./embed-widget.js', import.meta.url), 'utf8'));
  return compacted;
}

/** The script for a page at `base` (no trailing slash). */
function embedScript(base: string): string {
  return widgetSource().replace(PLACEHOLDER, JSON.stringify(base));
}

export function embedRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/embed.js', async (c) => {
    const { base } = await loadPageContext(c.get('deps'));
    return new Response(embedScript(base), {
      headers: {
        'Content-Type': SCRIPT_CONTENT_TYPE,
        // Any site may load it, also as a module or with crossorigin set.
        'Access-Control-Allow-Origin': '*',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
  return r;
}
