// Webhook subscribers: console routes (/api/v1/webhooks), Standard Webhooks signing, and the HTTP POST itself.
import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { subscriberComponents, subscribers } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { newId } from '../core/ids.ts';
import { iso, isoOrNull } from '../core/iso.ts';
import { detectWebhookFormat } from './chat-formats.ts';
import { WEBHOOK_FORMATS, type WebhookFormat } from '../core/vocabulary.ts';
import { jsonBody, oneLine, webhookUrl } from '../http/validate.ts';
import { assertComponentIds, componentIdsOf, findRecipient } from './recipients.ts';
import { displayUrl } from './webhook-transport.ts';
import { newSigningSecret } from '../core/ids.ts';
import { webhookUrlRefusal } from '../core/webhook-address.ts';
import { badRequest } from '../core/errors.ts';

const createSchema = z
  .object({
    url: webhookUrl,
    components: z.array(z.string().min(1).max(64)).max(500).optional(),
    description: oneLine(z.string().trim().max(200)).optional(),
    /** What the receiver gets; by default told from the URL (Slack, Teams and Discord URLs get their own message). */
    format: z.enum(WEBHOOK_FORMATS).optional(),
  })
  .strict();

type SubscriberRow = typeof subscribers.$inferSelect;

export interface WebhookOut {
  id: string;
  url: string;
  /** What it receives: `statuspage` (signed JSON), `slack`, `teams` or `discord`. */
  format: WebhookFormat;
  slack: boolean;
  description: string | null;
  state: SubscriberRow['state'];
  components: string[];
  all_components: boolean;
  created_at: string;
  unsubscribed_at: string | null;
}

/** The answer to adding a webhook: the only time its signing secret is shown. */
export interface NewWebhookOut extends WebhookOut {
  secret: string;
}

function webhookJson(row: SubscriberRow, componentIds: string[]): WebhookOut {
  const format = row.webhookFormat ?? detectWebhookFormat(row.url ?? '');
  return {
    id: row.id,
    url: displayUrl(row.url ?? ''),
    format,
    slack: format === 'slack',
    description: row.description,
    state: row.state,
    components: componentIds,
    all_components: row.allComponents,
    created_at: iso(row.createdAt),
    unsubscribed_at: isoOrNull(row.unsubscribedAt),
  };
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
    const actor = actorOf(c);
    const input = c.req.valid('json');
    const { webhooks } = c.get('deps');
    const refusal = await webhookUrlRefusal(input.url, { allowPrivate: webhooks?.allowPrivate, resolve: webhooks?.resolve });
    if (refusal) throw badRequest(`The URL ${refusal}.`, { url: `This URL ${refusal}.` });
    const secret = newSigningSecret();
    const id = newId();
    const out = await write(c.get('deps'), actor, async (w) => {
      const { tx, now } = w;
      const componentIds = await assertComponentIds(tx, input.components ?? [], 'components');
      const row: SubscriberRow = {
        id,
        kind: 'webhook',
        email: null,
        url: input.url,
        signingSecret: secret,
        webhookFormat: input.format ?? detectWebhookFormat(input.url),
        description: input.description || null,
        state: 'confirmed',
        allComponents: componentIds.length === 0,
        createdAt: now,
        updatedAt: now,
        confirmedAt: now,
        unsubscribedAt: null,
        language: null,
        confirmationSentAt: null,
      };
      await tx.insert(subscribers).values(row);
      if (componentIds.length) await tx.insert(subscriberComponents).values(componentIds.map((componentId) => ({ subscriberId: id, componentId })));
      const json = webhookJson(row, componentIds);
      // The audit keeps the shown form of the URL and never the secret.
      await w.audit({ action: 'webhook.create', entityType: 'webhook', entityId: id, after: json });
      return json;
    });
    // The secret is shown once, here; the receiver needs it to verify signatures.
    const created: NewWebhookOut = { ...out, secret };
    return c.json(created, 201);
  });

  r.get('/webhooks/:id', requireRole('publisher'), async (c) => {
    const { db } = c.get('deps');
    const row = await findRecipient(db, c.req.param('id'), 'webhook');
    const comps = await componentIdsOf(db, [row.id]);
    return c.json(webhookJson(row, comps.get(row.id) ?? []));
  });

  r.delete('/webhooks/:id', requireRole('publisher'), async (c) => {
    await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx } = w;
      const row = await findRecipient(tx, c.req.param('id'), 'webhook');
      await tx.delete(subscribers).where(eq(subscribers.id, row.id));
      await w.audit({ action: 'webhook.delete', entityType: 'webhook', entityId: row.id, before: webhookJson(row, []) });
    });
    return c.body(null, 204);
  });

  return r;
}
