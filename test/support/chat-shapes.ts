// What Discord and Microsoft Teams document about the bodies their webhooks take, as checks a test receiver runs
// (written from their documentation, not from Herald's code): each returns the problems it finds, none when valid.

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
/** UTF-16 code units: stricter than code points for text outside the BMP, so a body passing here passes either count. */
const chars = (s: string) => s.length;
const isHttpUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Discord's Execute Webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook) and the embed
 * limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): content ≤ 2000, at most
 * 10 embeds; title ≤ 256, description ≤ 4096, ≤ 25 fields of name ≤ 256 and value ≤ 1024, footer text ≤ 2048,
 * author name ≤ 256, and ≤ 6000 characters over all embeds; one of content, embeds, components, files or poll.
 */
export function discordProblems(body: string): string[] {
  const p: string[] = [];
  const m = parse(body);
  if (!isObject(m)) return ['the body is not a JSON object'];
  const known = new Set(['content', 'username', 'avatar_url', 'tts', 'embeds', 'allowed_mentions', 'components', 'files', 'payload_json', 'attachments', 'flags', 'thread_name', 'applied_tags', 'poll']);
  for (const k of Object.keys(m)) if (!known.has(k)) p.push(`unknown field ${k}`);
  const embeds = m.embeds;
  if (m.content === undefined && (!Array.isArray(embeds) || embeds.length === 0) && m.components === undefined && m.poll === undefined) p.push('neither content nor embeds');
  if (m.content !== undefined && (typeof m.content !== 'string' || chars(m.content) > 2000)) p.push('content is not a string of at most 2000 characters');
  if (m.username !== undefined && (typeof m.username !== 'string' || chars(m.username) > 80 || /discord|clyde/i.test(m.username))) p.push('bad username');
  if (m.allowed_mentions !== undefined) {
    const a = m.allowed_mentions;
    if (!isObject(a) || (a.parse !== undefined && (!Array.isArray(a.parse) || a.parse.some((x) => !['roles', 'users', 'everyone'].includes(String(x)))))) p.push('bad allowed_mentions');
  }
  if (embeds === undefined) return p;
  if (!Array.isArray(embeds)) return [...p, 'embeds is not an array'];
  if (embeds.length > 10) p.push(`${embeds.length} embeds (at most 10)`);
  let total = 0;
  embeds.forEach((e, i) => {
    const at = `embeds[${i}]`;
    if (!isObject(e)) return p.push(`${at} is not an object`);
    const text = (key: string, v: unknown, max: number) => {
      if (v === undefined) return;
      if (typeof v !== 'string') return p.push(`${at}.${key} is not a string`);
      if (chars(v) > max) p.push(`${at}.${key} has ${chars(v)} characters (at most ${max})`);
      total += chars(v);
    };
    text('title', e.title, 256);
    text('description', e.description, 4096);
    if (e.url !== undefined && !isHttpUrl(e.url)) p.push(`${at}.url is not a URL`);
    if (e.color !== undefined && (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff)) p.push(`${at}.color is not an integer colour`);
    if (e.timestamp !== undefined && (typeof e.timestamp !== 'string' || Number.isNaN(Date.parse(e.timestamp)) || !/^\d{4}-\d{2}-\d{2}T/.test(e.timestamp))) p.push(`${at}.timestamp is not ISO 8601`);
    if (e.footer !== undefined) {
      if (!isObject(e.footer) || typeof e.footer.text !== 'string' || !e.footer.text) p.push(`${at}.footer has no text`);
      else text('footer.text', e.footer.text, 2048);
    }
    if (e.author !== undefined) {
      if (!isObject(e.author) || typeof e.author.name !== 'string') p.push(`${at}.author has no name`);
      else text('author.name', e.author.name, 256);
    }
    if (e.fields !== undefined) {
      if (!Array.isArray(e.fields)) return p.push(`${at}.fields is not an array`);
      if (e.fields.length > 25) p.push(`${at} has ${e.fields.length} fields (at most 25)`);
      e.fields.forEach((f, j) => {
        if (!isObject(f) || typeof f.name !== 'string' || typeof f.value !== 'string' || !f.name || !f.value) return p.push(`${at}.fields[${j}] needs a name and a value`);
        text(`fields[${j}].name`, f.name, 256);
        text(`fields[${j}].value`, f.value, 1024);
        if (f.inline !== undefined && typeof f.inline !== 'boolean') p.push(`${at}.fields[${j}].inline is not a boolean`);
      });
    }
    for (const k of ['type', 'provider', 'video']) if (e[k] !== undefined) p.push(`${at}.${k} is not for webhook embeds`);
  });
  if (total > 6000) p.push(`the embeds hold ${total} characters (at most 6000)`);
  return p;
}

/** The Adaptive Card elements and actions the checks know (https://adaptivecards.io/explorer/). */
const ELEMENTS = new Set(['TextBlock', 'RichTextBlock', 'Image', 'ImageSet', 'Media', 'Container', 'ColumnSet', 'FactSet', 'ActionSet', 'Table']);
const STYLES = new Set(['default', 'emphasis', 'good', 'attention', 'warning', 'accent']);

function cardElements(items: unknown, at: string, p: string[]): void {
  if (!Array.isArray(items)) {
    p.push(`${at} is not an array`);
    return;
  }
  items.forEach((el, i) => {
    const here = `${at}[${i}]`;
    if (!isObject(el) || typeof el.type !== 'string' || !ELEMENTS.has(el.type)) return p.push(`${here} is not a known element`);
    if (el.type === 'TextBlock' && typeof el.text !== 'string') p.push(`${here}: a TextBlock needs text`);
    if (el.type === 'FactSet' && (!Array.isArray(el.facts) || el.facts.some((f) => !isObject(f) || typeof f.title !== 'string' || typeof f.value !== 'string'))) p.push(`${here}: facts need a title and a value`);
    if (el.type === 'Container') {
      if (el.style !== undefined && !STYLES.has(String(el.style))) p.push(`${here}: unknown style ${String(el.style)}`);
      cardElements(el.items, `${here}.items`, p);
    }
  });
}

/**
 * Teams incoming webhooks and Workflows take an Adaptive Card in a message
 * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook):
 * `type` must be "message", `attachments` holds cards, each `contentType` "application/vnd.microsoft.card.adaptive" and
 * `content` the card; every element is supported except Action.Submit; a message is at most 28 KB.
 */
export function teamsProblems(body: string): string[] {
  const p: string[] = [];
  if (Buffer.byteLength(body) > 28 * 1024) p.push(`the body is ${Buffer.byteLength(body)} bytes (at most 28 KB)`);
  const m = parse(body);
  if (!isObject(m)) return [...p, 'the body is not a JSON object'];
  if (m.type !== 'message') p.push('type is not "message"');
  if (!Array.isArray(m.attachments) || m.attachments.length === 0) return [...p, 'no attachments'];
  m.attachments.forEach((a, i) => {
    const at = `attachments[${i}]`;
    if (!isObject(a)) return p.push(`${at} is not an object`);
    if (a.contentType !== 'application/vnd.microsoft.card.adaptive') p.push(`${at}.contentType is not an adaptive card`);
    const card = a.content;
    if (!isObject(card)) return p.push(`${at}.content is not a card`);
    if (card.type !== 'AdaptiveCard') p.push(`${at}.content.type is not AdaptiveCard`);
    if (typeof card.version !== 'string' || !/^1\.[0-6]$/.test(card.version)) p.push(`${at}.content.version is not 1.0–1.6`);
    cardElements(card.body, `${at}.content.body`, p);
    if (card.actions !== undefined) {
      if (!Array.isArray(card.actions)) p.push(`${at}.content.actions is not an array`);
      else
        card.actions.forEach((x, j) => {
          if (!isObject(x)) return p.push(`actions[${j}] is not an object`);
          if (x.type === 'Action.Submit') p.push(`actions[${j}]: Action.Submit does not work in webhooks`);
          else if (x.type === 'Action.OpenUrl') {
            if (!isHttpUrl(x.url)) p.push(`actions[${j}].url is not a URL`);
          } else if (x.type !== 'Action.ShowCard' && x.type !== 'Action.ToggleVisibility') p.push(`actions[${j}] is not a known action`);
        });
    }
  });
  return p;
}
