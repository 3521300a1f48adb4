// /api/v1/escalation (settings), /api/v1/incidents/:id/escalate, the pages of an incident, and acknowledging a page (signed in, or by its signed link).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { ApiError, forbidden, unauthorized } from '../http/errors.ts';
import { jsonBody, optionalJson } from '../http/validate.ts';
import { write } from '../audit/write.ts';
import type { Actor } from '../core/actor.ts';
import { linkKey } from '../core/signing-key.ts';
import { badRequest } from '../core/errors.ts';
import { webhookUrlRefusal } from '../core/webhook-address.ts';
import { ESCALATION_REASONS } from '../core/vocabulary.ts';
import { getSettings } from '../core/settings.ts';
import { findIncident } from '../incidents/incident-store.ts';
import { incidentDetailJson, incidentsJson } from '../incidents/incident-json.ts';
import { verifyAckToken } from './ack-links.ts';
import { escalationJson, putEscalation, putEscalationSchema, MAX_PAGE_LEVEL } from './escalation-settings.ts';
import { acknowledgePage, escalateIncident, findPage, incidentPages, pageJson, type AckVia } from './paging.ts';

const escalateSchema = z
  .object({
    /** The escalation path position to page, 1 (on-call engineer) … 4 (CTO/VP engineering); default the next one. */
    level: z.number().int().min(1).max(MAX_PAGE_LEVEL).optional(),
    reason: z.enum(ESCALATION_REASONS).optional(),
  })
  .strict();

const tokenBody = z.object({ token: z.string().max(300).optional() }).passthrough();

/**
 * Who may see or acknowledge this page: the holder of its signed link (no account needed), or anyone signed in
 * (viewer and up; a write needs a credential that may write). Without either, 401 like every /api/v1 route.
 */
async function pageAccess(c: Context<AppEnv>, pageId: string, token: string | undefined, write: boolean): Promise<{ actor: Actor | null; via: AckVia }> {
  const actor = c.get('actor');
  if (token) {
    const { db, clock } = c.get('deps');
    const check = verifyAckToken(await linkKey(db), token, clock.now());
    if (!check.ok) {
      throw check.reason === 'expired'
        ? new ApiError(403, 'link_expired', 'This acknowledge link has expired: acknowledge from the console instead.')
        : new ApiError(403, 'link_invalid', 'This acknowledge link is not valid.');
    }
    if (check.pageId !== pageId) throw new ApiError(403, 'link_invalid', 'This acknowledge link is for another page.');
    return { actor: actor?.scope === 'alerts' ? null : actor, via: 'link' };
  }
  if (!actor) throw unauthorized();
  if (actor.scope === 'alerts') throw forbidden('This API token has alerts scope: it may only post alerts.');
  if (write && actor.scope !== 'write') throw forbidden('This API token has read scope; acknowledging needs a token with write scope.');
  return { actor, via: actor.via === 'token' ? 'token' : 'console' };
}

/** The body's token without failing on a malformed body: no token means "not signed in" (401), as for every route. */
async function bodyToken(c: Context<AppEnv>): Promise<string | undefined> {
  const text = await c.req.text().catch(() => '');
  if (!text.trim()) return undefined;
  try {
    const parsed = tokenBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.token : undefined;
  } catch {
    return undefined;
  }
}

export function escalationRoutes() {
  const r = new Hono<AppEnv>();

  // Contacts are personal data and chat URLs credentials (masked here): publishers and owners see them.
  r.get('/escalation', requireRole('publisher'), async (c) => c.json(await escalationJson(c.get('deps').db)));

  r.put('/escalation', requireRole('owner'), jsonBody(putEscalationSchema), async (c) => {
    const body = c.req.valid('json');
    // chat and webhook contacts go where webhooks may go: public addresses (checked again at every send)
    const { webhooks } = c.get('deps');
    const refused: Record<string, string> = {};
    for (const [i, l] of (body.levels ?? []).entries()) {
      for (const [j, contact] of l.contacts.entries()) {
        if (contact.kind === 'user' || contact.kind === 'email' || !contact.address || contact.address.includes('…')) continue;
        const refusal = await webhookUrlRefusal(contact.address, { allowPrivate: webhooks?.allowPrivate, resolve: webhooks?.resolve });
        if (refusal) refused[`levels.${i}.contacts.${j}.address`] = `This URL ${refusal}.`;
      }
    }
    if (Object.keys(refused).length) throw badRequest('Some contacts point where Herald does not send.', refused);
    const saved = await write(c.get('deps'), actorOf(c), async (w) => {
      const before = await escalationJson(w.tx);
      const after = await putEscalation(w.tx, body, w.now);
      const { levels, ...rest } = after;
      // secrets never go in the audit log
      const audited = { ...rest, levels: levels.map((l) => ({ ...l, contacts: l.contacts.map(({ secret: _s, ...k }) => k) })) };
      await w.audit({ action: 'escalation.update', entityType: 'settings', entityId: 'escalation', before, after: audited });
      return after;
    });
    c.header('Cache-Control', 'no-store');
    return c.json(saved);
  });

  r.post('/incidents/:id/escalate', requireRole('publisher'), async (c) => {
    const deps = c.get('deps');
    const { db, clock } = deps;
    const body = await optionalJson(c, escalateSchema);
    const id = c.req.param('id');
    await write(deps, actorOf(c), (w) => escalateIncident(w, id, { level: body.level, reason: body.reason ?? null }));
    const incident = await findIncident(db, id);
    return c.json(await incidentDetailJson(db, incident, clock.now()));
  });

  r.get('/incidents/:id/pages', requireRole('viewer'), async (c) => {
    const { db } = c.get('deps');
    const incident = await findIncident(db, c.req.param('id'));
    // API.md: the list itself, newest first
    return c.json(await incidentPages(db, incident.id));
  });

  /** One page, with its incident's headline: for the acknowledge page (signed link) and the console. */
  r.get('/pages/:id', async (c) => {
    const { db, clock } = c.get('deps');
    const id = c.req.param('id');
    await pageAccess(c, id, c.req.query('token') || undefined, false);
    const row = await findPage(db, id);
    const page = (await incidentPages(db, row.incidentId)).find((p) => p.id === id);
    const [i] = await incidentsJson(db, [await findIncident(db, row.incidentId)], clock.now());
    if (!page || !i) throw new Error('unreachable: the page and its incident were just read');
    return c.json({
      ...page,
      incident: { id: i.id, title: i.title, severity: i.severity, status: i.status, stage: i.stage, security: i.security, escalation_level_name: i.escalation_level_name, started_at: i.started_at },
    });
  });

  r.post('/pages/:id/ack', async (c) => {
    const deps = c.get('deps');
    const id = c.req.param('id');
    const token = await bodyToken(c);
    const access = await pageAccess(c, id, token, true);
    const page = await write(deps, access.actor, (w) => acknowledgePage(w, id, access.via));
    const { db } = deps;
    const settings = await getSettings(db);
    const ackName = access.actor && page.acknowledgedBy === access.actor.user.id ? access.actor.user.name : null;
    return c.json(pageJson(page, null, ackName, settings));
  });

  return r;
}
