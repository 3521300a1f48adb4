// `npm run export -- <dir>`: the whole public site as static files, for any static host (the copy to keep
// elsewhere for when the main infrastructure is down). Links are rewritten to relative ones that name
// index.html, so the folder works at a domain's root, under a sub-path, or opened straight from disk.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAstroHandler } from '../server/astro-render.ts';
import { ensureBuilt, entryFile } from '../server/build.ts';
import { readConfigOrExit } from '../server/config.ts';
import { isCacheablePath } from '../public/public-paths.ts';
import { createPublicRenderer, NOT_FOUND_KEY, type PublicRenderer } from '../server/public-render.ts';
import { createRuntime } from '../server/runtime.ts';
import { getSettings, publicBaseUrl } from '../core/settings.ts';
import { languagePrefix, offeredLanguages } from '../core/i18n/locale.ts';

/** The eight Statuspage v2 documents (API.md). */
export const V2_DOCUMENTS = [
  '/api/v2/summary.json',
  '/api/v2/status.json',
  '/api/v2/components.json',
  '/api/v2/incidents.json',
  '/api/v2/incidents/unresolved.json',
  '/api/v2/scheduled-maintenances.json',
  '/api/v2/scheduled-maintenances/upcoming.json',
  '/api/v2/scheduled-maintenances/active.json',
];

const SEEDS = ['/', '/history', '/history.rss', '/history.atom', '/maintenance.ics', ...V2_DOCUMENTS];

/** A folder we wrote carries this file, so that a second export may replace it and nothing else is ever wiped. */
const MARKER = '.herald-export';

/** Bounded crawl: far beyond any real history (10,000 incidents are ~10,200 pages). */
const MAX_DOCUMENTS = 200_000;

/**
 * The file a site URL (path + query) is written to, relative to the export root; null when a static host
 * could not tell it apart (an unknown query string).
 */
export function fileForUrl(url: string): string | null {
  const [path = '/', query] = url.split('?', 2);
  let p = path;
  if (query !== undefined) {
    const page = /^page=([1-9]\d{0,5})$/.exec(query);
    // The history's pages, in the default language or under a language's prefix.
    if (!/^(?:\/[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)?\/history$/.test(p) || !page) return null;
    p = page[1] === '1' ? p : `${p}/page/${page[1]}`;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(p);
  } catch {
    return null;
  }
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s === '..' || s === '.' || s.includes('\\') || s.includes('\0'))) return null;
  if (segments.length === 0) return 'index.html';
  const last = segments[segments.length - 1]!;
  if (/\.[a-z0-9]+$/i.test(last)) return segments.join('/');
  return [...segments, 'index.html'].join('/');
}

/** `target` (a file relative to the root) as a link from the file `from`. */
export function relativeLink(from: string, target: string, hash = ''): string {
  const rel = posix.relative(posix.dirname(`/${from}`), `/${target}`) || posix.basename(target);
  return rel + hash;
}

/** Internal links of a document: root-relative ones, and absolute ones on the public base URL. */
function internalUrl(href: string, base: string): string | null {
  if (href.startsWith('//')) return null;
  if (href.startsWith('/')) return href;
  if (base && (href === base || href.startsWith(`${base}/`) || href.startsWith(`${base}?`) || href.startsWith(`${base}#`))) return href.slice(base.length) || '/';
  return null;
}

function splitHash(url: string): [string, string] {
  const i = url.indexOf('#');
  return i < 0 ? [url, ''] : [url.slice(0, i), url.slice(i)];
}

const TAG = /<(a|link|script|img|source|form)\b[^>]*>/gi;
const ATTR = /\b(href|src|action)=("([^"]*)"|'([^']*)')/gi;
const CSS_URL = /url\(\s*(["']?)(\/[^)"']*)\1\s*\)/g;

/**
 * Rewrites the internal links of an HTML document and lists the site URLs they name. Links to exported
 * documents and assets become relative file links; links to what only the live server can do (forms,
 * subscription pages, the console) become absolute links to the live site. Canonical and alternate links
 * keep their absolute URLs: they name the live site on purpose.
 */
export function rewriteHtml(
  html: string,
  file: string,
  base: string,
  found: (url: string) => void,
  isExported: (path: string) => boolean = isCacheablePath,
  /** For 404.html, which a static host serves at any depth: links from the host's root instead. */
  fromRoot = false,
): string {
  const decode = (s: string) => s.replace(/&amp;/g, '&');
  const encode = (s: string) => s.replace(/&/g, '&amp;');
  return html
    .replace(TAG, (tag, name: string) => {
      const keepAbsolute = /\brel=["']?(canonical|alternate)\b/i.test(tag);
      const isForm = name.toLowerCase() === 'form';
      return tag.replace(ATTR, (whole, attr: string, _q: string, dq: string | undefined, sq: string | undefined) => {
        const value = decode(dq ?? sq ?? '');
        const internal = internalUrl(value, base);
        if (internal === null) return whole;
        const [url, hash] = splitHash(internal);
        const path = url.split('?', 1)[0] || '/';
        const target = fileForUrl(url || '/');
        const exported = !isForm && target !== null && isExported(path);
        if (exported) found(url || '/');
        if (keepAbsolute) return whole;
        if (!exported) return `${attr}="${encode(base + (url || '/') + hash)}"`;
        return `${attr}="${encode(fromRoot ? `/${target}${hash}` : relativeLink(file, target, hash))}"`;
      });
    })
    .replace(CSS_URL, (whole, q: string, url: string) => {
      const target = fileForUrl(url);
      return target ? `url(${q}${relativeLink(file, target)}${q})` : whole;
    });
}

function rewriteCss(css: string, file: string): string {
  return css.replace(CSS_URL, (whole, q: string, url: string) => {
    const target = fileForUrl(url);
    return target ? `url(${q}${relativeLink(file, target)}${q})` : whole;
  });
}

export interface ExportResult {
  documents: number;
  assets: number;
  skipped: string[];
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Writes the site into `outDir`: crawls from the home page, history, feeds and /api/v2 documents. */
export async function exportSite(opts: {
  render: PublicRenderer;
  outDir: string;
  clientDir: string;
  base: string;
  extraUrls?: string[];
  /** The path prefixes of the page's further languages ("/de"): their pages and feeds are written too. */
  languagePrefixes?: string[];
  log?: (line: string) => void;
}): Promise<ExportResult> {
  const { render, outDir, clientDir, base } = opts;
  const log = opts.log ?? (() => undefined);
  const prefixes = ['', ...(opts.languagePrefixes ?? [])];
  const seeds = prefixes.flatMap((pre) => SEEDS.filter((u) => !u.startsWith('/api/') || !pre).map((u) => (pre && u === '/' ? `${pre}/` : `${pre}${u}`)));
  const queue: string[] = [...seeds, ...(opts.extraUrls ?? [])];
  const seen = new Set<string>(queue);
  const skipped: string[] = [];
  let documents = 0;

  // Assets first: pages may link them, and they are copied, not rendered.
  const assets = listFiles(clientDir);
  if (existsSync(clientDir)) cpSync(clientDir, outDir, { recursive: true });
  for (const rel of assets) {
    if (!rel.endsWith('.css')) continue;
    const full = join(outDir, rel);
    writeFileSync(full, rewriteCss(readFileSync(full, 'utf8'), rel));
  }
  const assetSet = new Set(assets.map((a) => `/${a}`));
  const isExported = (path: string) => assetSet.has(path) || isCacheablePath(path);

  const enqueue = (url: string) => {
    if (seen.has(url) || assetSet.has(url) || seen.size >= MAX_DOCUMENTS) return;
    const path = url.split('?', 1)[0] ?? '/';
    if (!isCacheablePath(path)) return;
    seen.add(url);
    queue.push(url);
  };

  for (let i = 0; i < queue.length && i < MAX_DOCUMENTS; i++) {
    const url = queue[i]!;
    const file = fileForUrl(url);
    if (!file) {
      skipped.push(url);
      continue;
    }
    const page = await render(url);
    if (page.status !== 200) {
      skipped.push(`${url} (${page.status})`);
      continue;
    }
    let body: Uint8Array | string = page.body;
    const type = page.headers['content-type'] ?? '';
    if (type.startsWith('text/html')) body = rewriteHtml(Buffer.from(page.body).toString('utf8'), file, base, enqueue, isExported);
    else if (url === '/api/v2/components.json') {
      // Per-component feeds are linked from nowhere in HTML; the component list names them.
      const parsed = JSON.parse(Buffer.from(page.body).toString('utf8')) as { components?: { id: string; group?: boolean }[] };
      for (const c of parsed.components ?? []) {
        if (c.group) continue;
        for (const pre of prefixes) {
          enqueue(`${pre}/components/${c.id}/history.rss`);
          enqueue(`${pre}/components/${c.id}/history.atom`);
        }
      }
    } else if (url === '/api/v2/incidents.json') {
      const parsed = JSON.parse(Buffer.from(page.body).toString('utf8')) as { incidents?: { id: string }[] };
      for (const inc of parsed.incidents ?? []) enqueue(`/incidents/${inc.id}`);
    }
    const full = join(outDir, file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, body);
    documents++;
    if (documents % 500 === 0) log(`  ${documents} documents written`);
  }

  // Static hosts (Netlify, GitHub Pages, S3 website hosting...) answer unknown paths with /404.html.
  const notFound = await render(NOT_FOUND_KEY);
  if ((notFound.headers['content-type'] ?? '').startsWith('text/html')) {
    writeFileSync(join(outDir, '404.html'), rewriteHtml(Buffer.from(notFound.body).toString('utf8'), '404.html', base, () => undefined, isExported, true));
  }
  writeFileSync(join(outDir, MARKER), `Written by Herald's export at ${new Date().toISOString()}.\n`);
  return { documents, assets: assets.length, skipped };
}

/** Refuses to write into a folder that has files but is not one of our exports. */
export function prepareOutDir(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    if (!existsSync(join(outDir, MARKER))) {
      throw new Error(`${outDir} is not empty and is not a previous Herald export; choose an empty or new folder.`);
    }
    for (const entry of readdirSync(outDir)) rmSync(join(outDir, entry), { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
}

async function main(): Promise<void> {
  const target = process.argv.slice(2).find((a) => !a.startsWith('-'));
  if (!target) {
    process.stderr.write('usage: npm run export -- <folder>\n');
    process.exit(2);
  }
  const config = readConfigOrExit();
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (config.build === 'auto') await ensureBuilt(root, say);
  const outDir = resolve(target);
  prepareOutDir(outDir);
  const runtime = await createRuntime(config, () => undefined);
  try {
    const astro = await loadAstroHandler(entryFile(root));
    const settings = await getSettings(runtime.deps.db);
    const base = publicBaseUrl(settings, config.publicUrl);
    const started = Date.now();
    const result = await exportSite({
      render: createPublicRenderer(runtime, astro),
      outDir,
      clientDir: join(root, 'dist', 'client'),
      base,
      languagePrefixes: offeredLanguages(settings).slice(1).map((tag) => languagePrefix(settings, tag)),
      log: say,
    });
    say(`exported ${result.documents} documents and ${result.assets} assets to ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (result.skipped.length) say(`not exported (no page, or not expressible as a file): ${result.skipped.slice(0, 20).join(', ')}${result.skipped.length > 20 ? ', …' : ''}`);
  } finally {
    runtime.database.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
