// Update bodies: markdown → sanitized HTML (pages, feeds, email HTML) and → plain text (email text, summaries).
import { Lexer, Marked, type Token, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';

/*
 * Why two layers:
 * 1. Raw HTML written in an update ("<b>", "<img onerror=…>", "<script>") is never interpreted: marked's
 *    html tokens are escaped, so the reader sees the text exactly as typed. Markdown is the only way
 *    to format an update.
 * 2. marked's output then passes an allowlist sanitizer (sanitize-html), so even a marked bug cannot
 *    emit anything outside this list:
 *      p br strong em del code pre blockquote ul ol li hr h3–h6 (h1→h3, h2→h4: the page owns h1/h2)
 *      table thead tbody tr th td (align only)
 *      a: href (absolute http:, https: or mailto: only) and title; always rel="nofollow noopener noreferrer"
 *      img: only with an absolute https: src (never http:, data: or relative), loading="lazy",
 *           referrerpolicy="no-referrer"; an image with any other src is dropped
 *    No attribute outside that list survives: no event handlers, no style, no class except
 *    code's language-* class, no id.
 * A body marked would take too long on (or cannot parse) is shown as escaped plain text: see tooCostly.
 */

const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const LINK_REL = 'nofollow noopener noreferrer';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML is shown as text, never interpreted (see above).
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
  },
});

/** The absolute URL when it parses and its scheme is allowed; null otherwise (relative or unsafe). */
function allowedUrl(value: string | undefined, schemes: ReadonlySet<string>): string | null {
  if (!value) return null;
  let url: URL;
  try {
    // WHATWG parsing, as a browser would: strips tabs/newlines and leading control characters.
    url = new URL(value);
  } catch {
    return null;
  }
  return schemes.has(url.protocol) ? value : null;
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr',
    'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'img',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'loading', 'referrerpolicy'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
  },
  allowedClasses: { code: ['language-*'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowedStyles: {},
  disallowedTagsMode: 'discard',
  // Whatever is inside these is dropped with the tag (defence in depth: raw HTML is escaped anyway).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'xmp', 'noembed', 'noframes', 'title', 'select'],
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    a: (tagName, attribs) => {
      const href = allowedUrl(attribs.href, LINK_SCHEMES);
      const out: sanitizeHtml.Attributes = { rel: LINK_REL };
      if (href) out.href = href;
      if (attribs.title) out.title = attribs.title;
      return { tagName, attribs: out };
    },
    img: (tagName, attribs) => {
      const src = allowedUrl(attribs.src, new Set(['https:']));
      const out: sanitizeHtml.Attributes = {};
      if (src) Object.assign(out, { src, loading: 'lazy', referrerpolicy: 'no-referrer' });
      if (attribs.alt) out.alt = attribs.alt;
      if (attribs.title) out.title = attribs.title;
      return { tagName, attribs: out };
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

// C0 controls (but tab, newline, carriage return) and DEL: invisible, invalid in XML feeds, and a way
// to hide a scheme from naive filters. Dropped before anything else looks at the text.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

// Every change re-renders the pages and feeds, and with them the same update bodies: remembering recent
// results turns ~0.3 ms per body into a lookup. Bounded by total characters, oldest dropped first.
const MEMO_MAX_CHARS = 2_000_000;
const memo = new Map<string, string>();
let memoChars = 0;

function remember(md: string, html: string): void {
  const size = md.length + html.length;
  if (size > MEMO_MAX_CHARS / 10) return;
  memo.set(md, html);
  memoChars += size;
  for (const [key, value] of memo) {
    if (memoChars <= MEMO_MAX_CHARS) break;
    memo.delete(key);
    memoChars -= key.length + value.length;
  }
}

/*
 * marked's inline pass is quadratic on some inputs: a 12,000-character run of "*_a*_a…" takes seconds,
 * and blocks nested thousands deep overflow its stack. A body may be 50,000 characters and every
 * page render meets it, so before the real parse we measure each inline run (delimiter characters ×
 * length, from the cheap block pass); a body over budget, or one marked cannot parse, is shown as
 * escaped plain text instead. Ordinary updates are far below: ~50 ms of work at the limit.
 */
const INLINE_BUDGET = 5_000_000;
const DELIMITERS = /[*_~`[]/g;

// Quotes and lists nested this deep are not prose; marked takes seconds (or overflows) on thousands.
// (One whitespace character after each marker, so that the pattern cannot backtrack exponentially.)
const TOO_DEEP = /^(?:[ \t]*>){20}|^[ \t]{80}|^(?:[ \t]*(?:[-*+>]|\d{1,9}[.)])[ \t]){20}/m;

function tooCostly(md: string): boolean {
  if (TOO_DEEP.test(md)) return true;
  const lexer = new Lexer(marked.defaults);
  lexer.blockTokens(md);
  return lexer.inlineQueue.some(({ src }) => (src.match(DELIMITERS)?.length ?? 0) * src.length > INLINE_BUDGET);
}

/** The fallback: paragraphs and line breaks, everything else escaped text. */
function plainHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br />')}</p>`)
    .join('\n');
}

function render(md: string): string {
  try {
    if (!tooCostly(md)) return sanitizeHtml(marked.parse(md, { async: false }), SANITIZE).trim();
  } catch {
    // nesting deeper than marked's recursion allows: fall through to plain text
  }
  return plainHtml(md);
}

/** Markdown (GFM, single newlines kept as line breaks) → HTML that is safe to put in a page, feed or email. */
export function renderMarkdown(md: string): string {
  const known = memo.get(md);
  if (known !== undefined) return known;
  const html = render(md.replace(CONTROL_CHARS, ''));
  remember(md, html);
  return html;
}

// ---------------------------------------------------------------------------------------------
// Plain text

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', rarr: '→', larr: '←',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8}|#39);/gi, (m, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x') || lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[lower] ?? m;
  });
}

/** Marked's nesting follows the input; this bounds the walk on pathological input. */
const MAX_DEPTH = 64;

function inlineText(tokens: readonly Token[] | undefined, depth: number): string {
  if (!tokens || depth > MAX_DEPTH) return '';
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'link': {
        const text = inlineText(t.tokens, depth + 1);
        const href = (t as Tokens.Link).href;
        // An unsafe or relative target is left out: the text part must not carry what the HTML drops.
        const safe = allowedUrl(href, LINK_SCHEMES);
        out += !safe ? text : text === href || `mailto:${text}` === href ? href : `${text} (${href})`;
        break;
      }
      case 'image':
        out += (t as Tokens.Image).text;
        break;
      case 'br':
        out += '\n';
        break;
      case 'codespan':
      case 'escape':
      case 'html':
        out += t.text;
        break;
      default:
        out += 'tokens' in t && t.tokens ? inlineText(t.tokens, depth + 1) : decodeEntities('text' in t && typeof t.text === 'string' ? t.text : t.raw);
    }
  }
  return out;
}

const indent = (s: string, first: string, rest: string) =>
  s
    .split('\n')
    .map((line, i) => (i === 0 ? first : line ? rest : '') + line)
    .join('\n');

function blockText(tokens: readonly Token[], depth: number): string {
  if (depth > MAX_DEPTH) return '';
  const blocks: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
      case 'def':
        break;
      case 'paragraph':
      case 'heading':
        blocks.push(inlineText(t.tokens, depth + 1));
        break;
      case 'text':
        blocks.push(t.tokens ? inlineText(t.tokens, depth + 1) : decodeEntities(t.text));
        break;
      case 'code':
      case 'html':
        blocks.push(t.text.replace(/\n+$/, ''));
        break;
      case 'hr':
        blocks.push('---');
        break;
      case 'blockquote':
        blocks.push(
          blockText(t.tokens ?? [], depth + 1)
            .split('\n')
            .map((l) => (l ? `> ${l}` : '>'))
            .join('\n'),
        );
        break;
      case 'list': {
        const list = t as Tokens.List;
        const start = typeof list.start === 'number' ? list.start : 1;
        const items = list.items.map((item, i) => {
          const bullet = list.ordered ? `${start + i}. ` : '- ';
          const box = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
          const body = item.tokens.filter((x) => x.type !== 'checkbox');
          return indent(box + blockText(body, depth + 1).replace(/\n{2,}/g, '\n'), bullet, ' '.repeat(bullet.length));
        });
        blocks.push(items.join('\n'));
        break;
      }
      case 'table': {
        const table = t as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((c) => inlineText(c.tokens, depth + 1)).join(' | ');
        blocks.push([row(table.header), ...table.rows.map(row)].join('\n'));
        break;
      }
      default:
        blocks.push('tokens' in t && t.tokens ? inlineText(t.tokens, depth + 1) : t.raw.trim());
    }
  }
  return blocks.filter((b) => b !== '').join('\n\n');
}

/**
 * Texts already converted, by their markdown: every render of the home page after a write converts the same
 * latest updates again (a pure function of the text). Bounded in entries and in the size of what it keeps.
 */
const textCache = new Map<string, string>();
const TEXT_CACHE_ENTRIES = 500;
const TEXT_CACHE_MAX_INPUT = 8 * 1024;

/** Markdown → readable plain text (email text part, feed summaries): links as "text (url)", lists with bullets. */
export function markdownToText(md: string): string {
  const known = textCache.get(md);
  if (known !== undefined) return known;
  const text = convertToText(md);
  if (md.length <= TEXT_CACHE_MAX_INPUT) {
    if (textCache.size >= TEXT_CACHE_ENTRIES) textCache.clear();
    textCache.set(md, text);
  }
  return text;
}

function convertToText(md: string): string {
  const clean = md.replace(CONTROL_CHARS, '');
  try {
    if (!tooCostly(clean)) return blockText(marked.lexer(clean), 0).trim();
  } catch {
    // see renderMarkdown: the text as written is the fallback
  }
  return clean.trim();
}
