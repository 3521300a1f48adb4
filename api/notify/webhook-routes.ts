// Webhook subscribers: console routes (/api/v1/webhooks), Standard Webhooks signing, and the HTTP POST itself.
import { createHmac, randomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { components, subscriberComponents, subscribers } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { recordAudit } from '../audit/audit.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { newId } from '../core/ids.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { isSlackWebhookUrl } from './slack.ts';
import { jsonBody } from '../http/validate.ts';

export const SECRET_PREFIX = 'whsec_';

/** A signing secret as Standard Webhooks writes them: `whsec_` + base64 of 24 random bytes. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** The HMAC key: the base64 after the prefix, decoded (as every Standard Webhooks library does). */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers for one attempt; the id stays the same across retries. */
export function webhookHeaders(secret: string, id: string, now: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

export type PostResult = { ok: true } | { ok: false; permanent: boolean; error: string };

export const WEBHOOK_TIMEOUT_MS = 10_000;
const USER_AGENT = 'Herald-Webhooks/1';

/**
 * POSTs a JSON body. 2xx is delivered; 410 Gone means the receiver wants no more (permanent);
 * anything else (other statuses, redirects, timeouts, refused connections) is retried.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
      body,
      // A redirect could point anywhere (an internal address); the receiver must answer itself.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    return { ok: false, permanent: res.status === 410, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string }; message?: string };
    const reason = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message ?? 'request failed');
    return { ok: false, permanent: false, error: String(reason).slice(0, 200) };
  }
}

/** Slack URLs are themselves credentials: the console shows only their start. */
export function displayUrl(url: string): string {
  if (!isSlackWebhookUrl(url)) return url;
  const u = new URL(url);
  const parts = u.pathname.split('/').filter(Boolean);
  return `${u.origin}/${parts.slice(0, 2).join('/')}/…`;
}

const urlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL without credentials');

const createSchema = z
  .object({
    url: urlSchema,
    components: z.array(z.string().min(1).max(64)).max(500).optional(),
    description: z.string().trim().max(200).optional(),
  })
  .strict();

type SubscriberRow = typeof subscribers.$inferSelect;

export interface WebhookOut {
  id: string;
  url: string;
  slack: boolean;
  description: string | null;
  state: SubscriberRow['state'];
  components: string[];
  all_components: boolean;
  created_at: string;
  unsubscribed_at: string | null;
}

function webhookJson(row: SubscriberRow, componentIds: string[]): WebhookOut {
  return {
    id: row.id,
    url: displayUrl(row.url ?? ''),
    slack: isSlackWebhookUrl(row.url ?? ''),
    description: row.description,
    state: row.state,
    components: componentIds,
    all_components: row.allComponents,
    created_at: iso(row.createdAt),
    unsubscribed_at: isoOrNull(row.unsubscribedAt),
  };
}

/** Subscriber id → its component ids. */
/** One recipient of a kind (an email subscriber or a webhook) by id, or a 404 naming what was asked for. */
export async function findRecipient(db: Executor, id: string, kind: 'email' | 'webhook') {
  const [row] = await db.select().from(subscribers).where(and(eq(subscribers.id, id), eq(subscribers.kind, kind)));
  if (!row) throw notFound(kind === 'email' ? 'subscriber' : 'webhook');
  return row;
}

export async function componentIdsOf(db: Executor, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!ids.length) return out;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .select()
      .from(subscriberComponents)
      .where(inArray(subscriberComponents.subscriberId, ids.slice(i, i + 500)));
    for (const r of rows) out.set(r.subscriberId, [...(out.get(r.subscriberId) ?? []), r.componentId]);
  }
  return out;
}

/** Refuses unknown component ids (a typo would otherwise silently mean "nothing"). */
export async function assertComponentIds(db: Executor, ids: string[], field: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return unique;
  const found = await db.select({ id: components.id }).from(components).where(inArray(components.id, unique));
  const known = new Set(found.map((r) => r.id));
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length) throw badRequest(`Unknown component ids: ${missing.join(', ')}.`, { [field]: `unknown component ids: ${missing.join(', ')}` });
  return unique;
}

export function webhookRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/webhooks', requireRole('publisher'), async (c) => {
    const { db } = c.get('deps');
    const rows = await db.select().from(subscribers).where(eq(subscribers.kind, 'webhook')).orderBy(asc(subscribers.createdAt), asc(subscribers.id));
    const comps = await componentIdsOf(db, rows.map((w) => w.id));
    return c.json({ webhooks: rows.map((w) => webhookJson(w, comps.get(w.id) ?? [])) });
  });

  r.post('/webhooks', requireRole('publisher'), jsonBody(createSchema), async (c) => {
    const { db, clock } = c.get('deps');
    const actor = actorOf(c);
    const input = c.req.valid('json');
    const now = clock.now();
    const secret = newSigningSecret();
    const id = newId();
    const out = await db.transaction(async (tx) => {
      const componentIds = await assertComponentIds(tx, input.components ?? [], 'components');
      const row: SubscriberRow = {
        id,
        kind: 'webhook',
        email: null,
        url: input.url,
        signingSecret: secret,
        description: input.description || null,
        state: 'confirmed',
        allComponents: componentIds.length === 0,
        createdAt: now,
        updatedAt: now,
        confirmedAt: now,
        unsubscribedAt: null,
        confirmationSentAt: null,
      };
      await tx.insert(subscribers).values(row);
      if (componentIds.length) await tx.insert(subscriberComponents).values(componentIds.map((componentId) => ({ subscriberId: id, componentId })));
      const json = webhookJson(row, componentIds);
      // The audit keeps the shown form of the URL and never the secret.
      await recordAudit(tx, actor, { action: 'webhook.create', entityType: 'webhook', entityId: id, after: json }, now);
      return json;
    });
    // The secret is shown once, here; the receiver needs it to verify signatures.
    return c.json({ ...out, secret }, 201);
  });

  r.get('/webhooks/:id', requireRole('publisher'), async (c) => {
    const { db } = c.get('deps');
    const row = await findRecipient(db, c.req.param('id'), 'webhook');
    const comps = await componentIdsOf(db, [row.id]);
    return c.json(webhookJson(row, comps.get(row.id) ?? []));
  });

  r.delete('/webhooks/:id', requireRole('publisher'), async (c) => {
    const { db, clock } = c.get('deps');
    const actor = actorOf(c);
    const now = clock.now();
    await db.transaction(async (tx) => {
      const row = await findRecipient(tx, c.req.param('id'), 'webhook');
      await tx.delete(subscribers).where(eq(subscribers.id, row.id));
      await recordAudit(tx, actor, { action: 'webhook.delete', entityType: 'webhook', entityId: row.id, before: webhookJson(row, []) }, now);
    });
    return c.body(null, 204);
  });

  return r;
}
