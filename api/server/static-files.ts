// dist/client (Astro's hashed /_astro/* assets and site/public files), read once at start and served from memory.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { storeBody, type StoredBody } from './http-body.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: StoredBody;
  cacheControl: string;
}

/** Hashed build output never changes under its name; everything else may change on the next deploy. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=300';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Every file under `dir`, keyed by URL path (`/_astro/x.css`). A missing folder is an empty map. */
export async function loadStaticFiles(dir: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const full of await listFiles(dir)) {
    const urlPath = '/' + relative(dir, full).split(sep).join('/');
    const type = CONTENT_TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream';
    const body = await storeBody(200, { 'content-type': type }, await readFile(full));
    files.set(urlPath, { body, cacheControl: urlPath.startsWith('/_astro/') ? IMMUTABLE : SHORT });
  }
  return files;
}
