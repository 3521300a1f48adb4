// Teams and Discord: their URLs are recognised (and shown without their secret), and each event reaches a local
// receiver that checks the shape the service documents (test/support/chat-shapes.ts), at the sizes that strain it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema.ts';
import { deliverDue } from '../../api/notify/deliver.ts';
import { detectWebhookFormat } from '../../api/notify/chat-formats.ts';
import { DISCORD_COLOURS, type DiscordMessage } from '../../api/notify/discord.ts';
import type { TeamsMessage } from '../../api/notify/teams.ts';
import { json, makeTestApp, userWithSession, type TestApp, type TestUser } from '../support/app.ts';
import { discordProblems, teamsProblems } from '../support/chat-shapes.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

let t: TestApp;
let owner: TestUser;
const receivers: WebhookReceiver[] = [];

beforeEach(async () => {
  // The receivers are on loopback: private targets allowed, as WEBHOOK_ALLOW_PRIVATE=true would.
  t = await makeTestApp({ deps: { webhooks: { allowPrivate: true } } });
  owner = await userWithSession(t, 'owner');
});
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  t.close();
});

async function receiver(check: (body: string) => string[]): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver([], 200, check);
  receivers.push(r);
  return r;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await t.app.request(path, body === undefined ? { method, headers: owner.headers } : json(method, body, owner.headers));
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

/** Ten components with long names, changed by one P1 incident with a long title and a very long update. */
async function bigIncident(updateText: string): Promise<{ id: string; components: string[] }> {
  const components: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await call<{ id: string }>('POST', '/api/v1/components', { name: `Component ${i} ${'with a rather long name '.repeat(5)}`.trim() });
    components.push(r.body.id);
  }
  const r = await call<{ id: string }>('POST', '/api/v1/incidents', {
    title: `Checkout fails for *everyone* ${'and then some more words '.repeat(10)}`,
    severity: 'P1',
    message: updateText,
    components: Object.fromEntries(components.map((id) => [id, 'major_outage'])),
  });
  expect(r.status).toBe(201);
  return { id: r.body.id, components };
}

describe('chat webhook URLs', () => {
  it('are told apart by their service, and listed without their secret part', async () => {
    const cases: [string, string][] = [
      ['https://contoso.webhook.office.com/webhookb2/1234@abcd/IncomingWebhook/5678/efgh', 'teams'],
      ['https://outlook.office.com/webhook/1234@abcd/IncomingWebhook/5678/efgh', 'teams'],
      ['https://prod-12.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=SECRET', 'teams'],
      ['https://default1234.56.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=SECRET', 'teams'],
      ['https://discord.com/api/webhooks/123456789012345678/SECRETTOKEN', 'discord'],
      ['https://discordapp.com/api/webhooks/123456789012345678/SECRETTOKEN', 'discord'],
      ['https://canary.discord.com/api/v10/webhooks/123456789012345678/SECRETTOKEN', 'discord'],
      ['https://hooks.slack.com/services/T000/B000/SECRET', 'slack'],
      ['http://discord.com/api/webhooks/1/SECRET', 'statuspage'],
      ['https://discord.com/channels/1/2', 'statuspage'],
      ['https://example.com/webhookb2/x', 'statuspage'],
      ['https://evil.example.com/discord.com/api/webhooks/1/x', 'statuspage'],
    ];
    for (const [url, format] of cases) expect(detectWebhookFormat(url), url).toBe(format);

    for (const [url, format] of cases.filter(([, f]) => f !== 'statuspage')) {
      const created = await call<{ id: string; format: string; url: string }>('POST', '/api/v1/webhooks', { url });
      expect(created.status).toBe(201);
      expect(created.body.format, url).toBe(format);
      expect(created.body.url).not.toMatch(/SECRET|5678|sig=/);
      const listed = await call<{ webhooks: { id: string; url: string; format: string }[] }>('GET', '/api/v1/webhooks');
      expect(listed.body.webhooks.find((w) => w.id === created.body.id)).toMatchObject({ format, url: created.body.url });
    }
    // A format may also be named (a relay in front of the service, or a self-hosted compatible one).
    const named = await call<{ format: string }>('POST', '/api/v1/webhooks', { url: 'https://relay.example.com/hook', format: 'teams' });
    expect(named.body.format).toBe('teams');
    expect((await call('POST', '/api/v1/webhooks', { url: 'https://relay.example.com/hook', format: 'irc' })).status).toBe(400);
  });
});

describe('Discord', () => {
  it('gets one embed per event within every documented limit: colour by impact, title to the incident, text, components', async () => {
    const r = await receiver(discordProblems);
    await call('POST', '/api/v1/webhooks', { url: r.url, format: 'discord' });
    const text = `@everyone **Payments** are failing at 5 * the usual rate, see \`err_code\`. ${'We are rolling back the deploy and watching error rates closely. '.repeat(150)}`;
    const { id } = await bigIncident(text);
    await deliverDue(t.deps);
    // The incident, and one component_update per component.
    expect(r.requests).toHaveLength(11);
    expect(r.requests.flatMap((q) => q.problems)).toEqual([]);
    expect(r.requests.every((q) => q.headers['webhook-signature'] === undefined)).toBe(true);
    const messages = r.requests.map((q) => JSON.parse(q.body) as DiscordMessage);
    const incident = messages.find((m) => m.embeds[0]!.url?.endsWith(`/incidents/${id}`))!;
    const e = incident.embeds[0]!;
    expect(incident.allowed_mentions).toEqual({ parse: [] });
    expect(e.title.startsWith('Checkout fails for *everyone*')).toBe(true);
    expect(e.title.length).toBeLessThanOrEqual(256);
    expect(e.title.endsWith('…')).toBe(true);
    expect(e.color).toBe(DISCORD_COLOURS.critical);
    // Markdown becomes plain text; what is left that Discord would read as markdown is escaped.
    expect(e.description!.startsWith('**Investigating**\n@everyone Payments are failing at 5 \\* the usual rate, see err\\_code.')).toBe(true);
    const components = e.fields!.find((f) => f.name === 'Affected components')!;
    expect(components.value).toMatch(/^Component 0 with .* and \d+ more$/);
    expect(e.fields!.find((f) => f.name === 'Impact')!.value).toBe('Critical impact');
    expect(e.footer!.text).toBe('Herald');
    const rows = await t.database.db.select().from(outbox);
    expect(rows.every((row) => row.state === 'sent')).toBe(true);

    const resolved = await call('POST', `/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' });
    expect(resolved.status).toBe(201);
    await deliverDue(t.deps);
    const last = r.requests.map((q) => JSON.parse(q.body) as DiscordMessage).find((m) => m.embeds[0]!.description?.startsWith('**Resolved**'))!;
    expect(last.embeds[0]!.color).toBe(DISCORD_COLOURS.ok);
    expect(r.requests.flatMap((q) => q.problems)).toEqual([]);
  });

  it('the receiver does refuse what Discord would (the checks can fail)', () => {
    expect(discordProblems(JSON.stringify({}))).toContain('neither content nor embeds');
    expect(discordProblems(JSON.stringify({ embeds: [{ title: 'x'.repeat(257) }] }))[0]).toMatch(/title has 257 characters/);
    const big = { embeds: [{ description: 'x'.repeat(4000), fields: [{ name: 'a', value: 'y'.repeat(1000) }, { name: 'b', value: 'z'.repeat(1025) }] }] };
    expect(discordProblems(JSON.stringify(big))).toEqual(expect.arrayContaining([expect.stringMatching(/value has 1025/), expect.stringMatching(/6027 characters/)]));
    expect(discordProblems(JSON.stringify({ embeds: Array.from({ length: 11 }, () => ({ title: 'x' })) }))).toContain('11 embeds (at most 10)');
  });
});

describe('Microsoft Teams', () => {
  it('gets an Adaptive Card in a message, under 28 KB even for a long update in a wide script', async () => {
    const r = await receiver(teamsProblems);
    await call('POST', '/api/v1/webhooks', { url: r.url, format: 'teams' });
    // 10,000 CJK characters are 30,000 bytes of UTF-8 alone.
    const { id } = await bigIncident(`決済が失敗しています。5 * baseline, \`err_code\`. ${'障害'.repeat(5000)}`);
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(11);
    expect(r.requests.flatMap((q) => q.problems)).toEqual([]);
    const messages = r.requests.map((q) => JSON.parse(q.body) as TeamsMessage);
    const incident = messages.find((m) => m.attachments[0]!.content.actions?.[0]?.url.endsWith(`/incidents/${id}`))!;
    expect(Buffer.byteLength(JSON.stringify(incident))).toBeLessThan(28 * 1024);
    const card = incident.attachments[0]!.content;
    const [header, status, text, facts] = card.body as unknown as [
      { style: string; items: { text: string }[] },
      { text: string },
      { text: string },
      { facts: { title: string; value: string }[] },
    ];
    expect(header.style).toBe('attention');
    expect(header.items[1]!.text.startsWith('Checkout fails for \\*everyone\\*')).toBe(true);
    expect(status.text).toBe('**Investigating**');
    expect(text.text.startsWith('決済が失敗しています。5 \\* baseline, err\\_code.')).toBe(true);
    expect(text.text.endsWith('…')).toBe(true);
    expect(facts.facts.map((f) => f.title)).toEqual(['Status', 'Impact', 'Affected']);
    expect(card.actions![0]).toMatchObject({ type: 'Action.OpenUrl', title: 'View on Herald' });
  });

  it('the receiver does refuse what Teams would (the checks can fail)', () => {
    expect(teamsProblems(JSON.stringify({ type: 'message', attachments: [] }))).toContain('no attachments');
    const submit = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4', body: [], actions: [{ type: 'Action.Submit' }] } }] };
    expect(teamsProblems(JSON.stringify(submit))[0]).toMatch(/Action.Submit/);
    expect(teamsProblems(JSON.stringify({ type: 'message', attachments: [{ contentType: 'text/plain', content: {} }] })).length).toBeGreaterThan(1);
    expect(teamsProblems('x'.repeat(29 * 1024))[0]).toMatch(/at most 28 KB/);
  });
});

describe('Slack', () => {
  it('keeps its text and blocks when the format is Slack', async () => {
    const r = await receiver(() => []);
    await call('POST', '/api/v1/webhooks', { url: r.url, format: 'slack' });
    await call('POST', '/api/v1/incidents', { title: 'Queue backlog', severity: 'P3', message: 'Jobs are delayed.' });
    await deliverDue(t.deps);
    expect(r.requests).toHaveLength(1);
    const body = JSON.parse(r.requests[0]!.body) as { text: string; blocks: { type: string }[] };
    expect(body.text).toBe('[Herald] Investigating: Queue backlog');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });
});
