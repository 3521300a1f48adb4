// Known XSS payloads for update bodies, and a checker that HTML rendered from them holds nothing executable.
//
// Every payload that would run calls `alert(1)`, so a browser test can replace window.alert and assert it
// was never called, besides checking the DOM. Reused by the markdown unit tests, the feed tests and the
// public pages' browser tests.

export const XSS_PAYLOADS: readonly string[] = [
  // script tags
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//xss.example/x.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  'text <script>alert(1)</script> more **bold**',
  // event handlers on raw HTML
  '<img src=x onerror=alert(1)>',
  '<img src="x" onerror="alert(1)"/>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  // javascript: links, markdown and HTML, every spelling
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](javascript:alert(1) "title")',
  '[click](&#x6A;avascript:alert(1))',
  '[click](javascript&#58;alert(1))',
  '[click](<javascript:alert(1)>)',
  '[click](\u0001javascript:alert(1))',
  '[click](java\u0000script:alert(1))',
  '[click][ref]\n\n[ref]: javascript:alert(1)',
  '<javascript:alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="  javascript:alert(1)">x</a>',
  '<a href="java\nscript:alert(1)">x</a>',
  // other dangerous schemes
  '[x](vbscript:msgbox(1))',
  '<a href="vbscript:msgbox(1)">x</a>',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](data:text/html,<script>alert(1)</script>)',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x](javascript:alert(1))',
  // breaking out of an attribute from markdown
  '[x](https://example.com" onmouseover="alert(1))',
  '![x](https://example.com/a.png" onerror="alert(1))',
  '[<img src=x onerror=alert(1)>](https://example.com)',
  // embedded content
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  // styles
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<p style="width: expression(alert(1))">x</p>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<link rel=stylesheet href=javascript:alert(1)>',
  // forms, meta, base
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<isindex action=javascript:alert(1) type=image>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  // namespace confusion and mutation XSS classics
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<template><script>alert(1)</script></template>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<xmp><img src=x onerror=alert(1)></xmp>',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  // feed (XML) breakouts
  ']]><script>alert(1)</script>',
  '<![CDATA[<script>alert(1)</script>]]>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '</content><script>alert(1)</script>',
  '</description></item><script>alert(1)</script>',
];

/** The markup renderMarkdown may emit: tag → allowed attributes. */
const ALLOWED: Record<string, readonly string[]> = {
  p: [], br: [], strong: [], em: [], del: [], code: ['class'], pre: [], blockquote: [], ul: [], ol: ['start'],
  li: [], hr: [], h3: [], h4: [], h5: [], h6: [], table: [], thead: [], tbody: [], tr: [],
  th: ['align'], td: ['align'], a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title', 'loading', 'referrerpolicy'],
};

const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);?/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function urlProblem(value: string, schemes: readonly string[]): string | null {
  try {
    const url = new URL(decode(value));
    return schemes.includes(url.protocol) ? null : `scheme ${url.protocol}`;
  } catch {
    return 'not an absolute URL';
  }
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/y;
const ATTR = /\s+([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/**
 * Problems in an HTML fragment produced from a markdown body: any tag or attribute outside the
 * renderer's allowlist, a link that is not an absolute http/https/mailto URL, an image that is not https,
 * a comment, or a `<` that does not start an allowed tag. An empty list means nothing can run.
 */
export function findUnsafeHtml(html: string): string[] {
  const problems: string[] = [];
  let i = html.indexOf('<');
  for (let guard = 0; i !== -1 && guard < 100_000; guard++) {
    TAG.lastIndex = i;
    const m = TAG.exec(html);
    if (!m) {
      problems.push(`stray markup at ${i}: ${html.slice(i, i + 40)}`);
      i = html.indexOf('<', i + 1);
      continue;
    }
    const [, closing, rawName, attrs] = m;
    const name = (rawName ?? '').toLowerCase();
    const allowed = ALLOWED[name];
    if (!allowed) problems.push(`tag <${name}>`);
    else if (!closing) {
      for (const a of (attrs ?? '').matchAll(ATTR)) {
        const attr = (a[1] ?? '').toLowerCase();
        const value = a[2] ?? a[3] ?? a[4] ?? '';
        if (!allowed.includes(attr)) problems.push(`attribute ${attr} on <${name}>`);
        else if (attr === 'href') {
          const p = urlProblem(value, ['http:', 'https:', 'mailto:']);
          if (p) problems.push(`href ${value}: ${p}`);
        } else if (attr === 'src') {
          const p = urlProblem(value, ['https:']);
          if (p) problems.push(`src ${value}: ${p}`);
        } else if (attr === 'class' && !/^language-[\w-]+$/.test(value)) problems.push(`class ${value}`);
      }
    }
    i = html.indexOf('<', i + m[0].length);
  }
  return problems;
}
