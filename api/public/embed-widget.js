// @ts-check
// <herald-status>: the page's status on any other site. Served as /embed.js by api/public/embed-routes.ts, which
// fills in the page's address and drops these comments. No dependencies; the page's data only ever becomes text.
//
//   <script src="https://status.example.com/embed.js" async></script>
//   <herald-status components></herald-status>
//
// Attributes: `components` (empty or "all": the page's components and groups; or ids separated by commas),
// `theme` ("light" or "dark"; by default it follows prefers-color-scheme), `src` (another Herald page's address).
(() => {
  /** The page's public address, put in by the server. */
  const PAGE = '__HERALD_BASE__';
  const TAG = 'herald-status';
  const REFRESH_MS = 60_000;
  const MAX_ITEMS = 12;
  if (!window.customElements || customElements.get(TAG)) return;

  /** @typedef {{ id: string, name: string, status: string, group?: boolean, group_id?: string | null, only_show_if_degraded?: boolean }} Component */
  /** @typedef {{ page: { name: string, url: string }, status: { indicator: string, description: string }, components: Component[] }} Summary */

  /** @type {Record<string, string>} */
  const LABELS = {
    operational: 'Operational',
    degraded_performance: 'Degraded performance',
    partial_outage: 'Partial outage',
    major_outage: 'Major outage',
    under_maintenance: 'Under maintenance',
  };
  /** @type {Record<string, string>} The colour of an indicator or component status (classes below). */
  const TONE = {
    none: 'ok',
    operational: 'ok',
    minor: 'mi',
    degraded_performance: 'mi',
    major: 'ma',
    partial_outage: 'ma',
    critical: 'cr',
    major_outage: 'cr',
    maintenance: 'mt',
    under_maintenance: 'mt',
  };

  // The public page's colours (site/styles/tokens.css): `-fg` ones pass WCAG AA as text on the surface.
  const CSS = `
:host{display:inline-block;max-width:100%;vertical-align:top;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
--bg:#fff;--line:#dde1e6;--text:#1b1f24;--muted:#57606a;--link:#0757c2;--focus:#0969da;
--ok:#2da44e;--mi:#d4a72c;--ma:#e16f24;--cr:#cf222e;--mt:#2f81f7;
--ok-fg:#1a7f37;--mi-fg:#8a5c00;--ma-fg:#b34400;--cr-fg:#c11f2b;--mt-fg:#0969da;color-scheme:light}
:host([hidden]),[hidden]{display:none!important}
@media (prefers-color-scheme:dark){:host(:not([theme=light])){--bg:#161b22;--line:#30363d;--text:#e6edf3;--muted:#9ea7b3;--link:#58a6ff;--focus:#58a6ff;
--ok:#2ea043;--mi:#d29922;--ma:#db6d28;--cr:#f85149;--mt:#388bfd;
--ok-fg:#3fb950;--mi-fg:#e3b341;--ma-fg:#f0883e;--cr-fg:#ff7b72;--mt-fg:#58a6ff;color-scheme:dark}}
:host([theme=dark]){--bg:#161b22;--line:#30363d;--text:#e6edf3;--muted:#9ea7b3;--link:#58a6ff;--focus:#58a6ff;
--ok:#2ea043;--mi:#d29922;--ma:#db6d28;--cr:#f85149;--mt:#388bfd;
--ok-fg:#3fb950;--mi-fg:#e3b341;--ma-fg:#f0883e;--cr-fg:#ff7b72;--mt-fg:#58a6ff;color-scheme:dark}
.w{box-sizing:border-box;background:var(--bg);color:var(--text);border:1px solid var(--line);border-radius:8px;padding:.5em .75em;min-width:12em}
.top{display:flex;align-items:center;gap:.5em;margin:0;font-weight:600}
.dot{flex:none;width:.625em;height:.625em;border-radius:50%;background:var(--muted)}
.dot.ok{background:var(--ok)}.dot.mi{background:var(--mi)}.dot.ma{background:var(--ma)}.dot.cr{background:var(--cr)}.dot.mt{background:var(--mt)}
ul{list-style:none;margin:.5em 0 0;padding:.375em 0 0;border-top:1px solid var(--line)}
li{display:flex;align-items:center;gap:.5em;padding:.125em 0}
.n{flex:1 1 auto;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.s{flex:none;font-size:.857em;font-weight:600;color:var(--muted)}
.s.ok{color:var(--ok-fg)}.s.mi{color:var(--mi-fg)}.s.ma{color:var(--ma-fg)}.s.cr{color:var(--cr-fg)}.s.mt{color:var(--mt-fg)}
.more{color:var(--muted);font-size:.857em}
a{display:inline-block;margin-top:.25em;color:var(--link);font-size:.857em;text-underline-offset:2px}
a:focus-visible{outline:2px solid var(--focus);outline-offset:2px;border-radius:2px}`;

  /** An http(s) URL without a trailing slash, or null. @param {string | null | undefined} value */
  const httpUrl = (value) => {
    if (!value) return null;
    try {
      const u = new URL(value, document.baseURI);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href.replace(/\/+$/, '') : null;
    } catch {
      return null;
    }
  };
  const scriptBase = document.currentScript instanceof HTMLScriptElement ? httpUrl(new URL('.', document.currentScript.src).href) : null;
  const DEFAULT_BASE = (PAGE.startsWith('http') && httpUrl(PAGE)) || scriptBase;

  /** One request per address at a time for every widget on the page; a copy younger than half a refresh is shared. */
  /** @type {Map<string, { at: number, data: Promise<Summary> }>} */
  const shared = new Map();
  /** @param {string} base @returns {Promise<Summary>} */
  const summary = (base) => {
    const hit = shared.get(base);
    if (hit && Date.now() - hit.at < REFRESH_MS / 2) return hit.data;
    const data = fetch(`${base}/api/v2/summary.json`, { credentials: 'omit', cache: 'no-cache' }).then((res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    });
    shared.set(base, { at: Date.now(), data });
    data.catch(() => shared.delete(base));
    return data;
  };

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} name @param {string} [cls] @param {string} [text]
   * @returns {HTMLElementTagNameMap[K]}
   */
  const el = (name, cls, text) => {
    const e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  class HeraldStatus extends HTMLElement {
    static get observedAttributes() {
      return ['src', 'components'];
    }

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      const style = el('style');
      style.textContent = CSS;
      this.box = el('div', 'w');
      this.box.setAttribute('part', 'widget');
      const top = el('p', 'top');
      this.dot = el('span', 'dot');
      this.dot.setAttribute('aria-hidden', 'true');
      // A live region: a change of status is read out once the refresh brings it.
      this.desc = el('span', 'desc', 'Loading status…');
      this.desc.setAttribute('role', 'status');
      top.append(this.dot, this.desc);
      this.list = el('ul');
      this.list.hidden = true;
      this.link = el('a');
      this.link.target = '_blank';
      this.link.rel = 'noopener';
      this.box.append(top, this.list, this.link);
      root.append(style, this.box);
      /** @type {number | undefined} */
      this.timer = undefined;
      this.loadedAt = 0;
      this.onVisible = () => {
        if (document.visibilityState === 'visible' && Date.now() - this.loadedAt >= REFRESH_MS) this.load();
      };
    }

    get base() {
      return httpUrl(this.getAttribute('src')) || DEFAULT_BASE;
    }

    connectedCallback() {
      document.addEventListener('visibilitychange', this.onVisible);
      this.load();
    }

    disconnectedCallback() {
      document.removeEventListener('visibilitychange', this.onVisible);
      clearTimeout(this.timer);
    }

    attributeChangedCallback() {
      if (this.isConnected) this.load();
    }

    async load() {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => {
        // A hidden tab is brought up to date when it is shown again (onVisible).
        if (document.visibilityState !== 'hidden') this.load();
      }, REFRESH_MS);
      this.loadedAt = Date.now();
      const base = this.base;
      if (!base) return this.show(null, null);
      try {
        this.show(await summary(base), base);
      } catch {
        this.show(null, base);
      }
    }

    /** @param {Summary | null} data @param {string | null} base */
    show(data, base) {
      const indicator = data && data.status ? data.status.indicator : '';
      this.dot.className = `dot ${TONE[indicator] || ''}`;
      const text = data && data.status ? String(data.status.description) : 'Status unavailable';
      if (this.desc.textContent !== text) this.desc.textContent = text;
      const name = data && data.page ? String(data.page.name) : '';
      const href = (data && data.page && httpUrl(data.page.url)) || base;
      if (href) {
        this.link.href = href;
        this.link.textContent = name ? `${name} status page` : 'Status page';
        this.link.hidden = false;
      } else this.link.hidden = true;
      this.showList(data, name);
    }

    /** @param {Summary | null} data @param {string} pageName */
    showList(data, pageName) {
      const wanted = this.getAttribute('components');
      const all = data && Array.isArray(data.components) ? data.components : [];
      this.list.replaceChildren();
      if (wanted === null || !all.length) {
        this.list.hidden = true;
        return;
      }
      const byId = new Map(all.map((c) => [c.id, c]));
      const ids = wanted.split(/[\s,]+/).filter((id) => id && id !== 'all');
      const chosen = ids.length
        ? ids.map((id) => byId.get(id)).filter((c) => c !== undefined)
        : all.filter((c) => !c.group_id && !(c.only_show_if_degraded && c.status === 'operational'));
      for (const c of chosen.slice(0, MAX_ITEMS)) {
        const li = el('li');
        const dot = el('span', `dot ${TONE[c.status] || ''}`);
        dot.setAttribute('aria-hidden', 'true');
        li.append(dot, el('span', 'n', String(c.name)), el('span', `s ${TONE[c.status] || ''}`, LABELS[c.status] || String(c.status)));
        this.list.append(li);
      }
      if (chosen.length > MAX_ITEMS) this.list.append(el('li', 'more', `and ${chosen.length - MAX_ITEMS} more`));
      this.list.setAttribute('aria-label', pageName ? `Components of ${pageName}` : 'Components');
      this.list.hidden = chosen.length === 0;
    }
  }

  customElements.define(TAG, HeraldStatus);
})();
