// Postmortem routes: console drafts and publication (/api/v1/incidents/:id/postmortem), the public copy at publish time.
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { incidents, postmortems, type PostmortemContent } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { invalidTransition } from '../core/errors.ts';
import { findIncident } from '../incidents/incident-store.ts';
import { contentOf, findPostmortem, hasContent, postmortemJson, postmortemUrl, sameContent, SECTIONS, suggestedTimeline } from './postmortem-read.ts';
import { getSettings, publicBaseUrl } from '../core/settings.ts';
import { jsonBody } from '../http/validate.ts';

const MAX_SECTION = 50_000;
const section = z.string().max(MAX_SECTION, `At most ${MAX_SECTION} characters.`);
const externalUrl = z
  .string()
  .trim()
  .max(2000, 'At most 2000 characters.')
  .url('A full address like https://example.com/postmortem.')
  .refine((u) => /^https?:\/\//i.test(u), 'Only http: and https: addresses.')
  .nullable();

/** PUT: each field optional, a missing one keeps its saved value (so a script may send one section). */
const putSchema = z
  .object({
    summary: section.optional(),
    timeline: section.optional(),
    root_cause: section.optional(),
    impact: section.optional(),
    remediation: section.optional(),
    lessons: section.optional(),
    external_url: z.union([externalUrl, z.literal('').transform(() => null)]).optional(),
  })
  .strict();

const publishSchema = z.object({ notify: z.boolean().default(false) }).strict();

export function postmortemRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/incidents/:id/postmortem', requireRole('viewer'), async (c) => {
    const deps = c.get('deps');
    const incident = await findIncident(deps.db, c.req.param('id'), 'incident');
    return c.json(await postmortemJson(deps, incident, deps.clock.now()));
  });

  r.put('/incidents/:id/postmortem', requireRole('editor'), jsonBody(putSchema), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const actor = actorOf(c);
    const { incident, at } = await write(deps, actor, async (w) => {
      const { tx, now } = w;
      const inc = await findIncident(tx, c.req.param('id'), 'incident');
      const existing = await findPostmortem(tx, inc.id);
      const base: PostmortemContent = existing
        ? contentOf(existing)
        : { summary: '', timeline: await suggestedTimeline(tx, inc, now), rootCause: '', impact: '', remediation: '', lessons: '', externalUrl: null };
      const next: PostmortemContent = {
        summary: body.summary ?? base.summary,
        timeline: body.timeline ?? base.timeline,
        rootCause: body.root_cause ?? base.rootCause,
        impact: body.impact ?? base.impact,
        remediation: body.remediation ?? base.remediation,
        lessons: body.lessons ?? base.lessons,
        externalUrl: body.external_url === undefined ? base.externalUrl : body.external_url,
      };
      if (existing && sameContent(base, next)) return { incident: inc, at: now };
      if (existing) {
        await tx
          .update(postmortems)
          .set({ ...next, authorId: existing.authorId ?? actor.user.id, updatedAt: now })
          .where(eq(postmortems.incidentId, inc.id));
      } else {
        await tx.insert(postmortems).values({ incidentId: inc.id, ...next, authorId: actor.user.id, createdAt: now, updatedAt: now });
      }
      const changed = SECTIONS.filter((s) => base[s.field] !== next[s.field]).map((s) => s.key as string);
      if ((base.externalUrl ?? null) !== (next.externalUrl ?? null)) changed.push('external_url');
      await w.audit({ action: 'postmortem.save', entityType: 'postmortem', entityId: inc.id, incidentId: inc.id, before: existing ? { sections: changed } : null, after: { sections: changed } });
      return { incident: inc, at: now };
    });
    return c.json(await postmortemJson(deps, incident, at));
  });

  r.post('/incidents/:id/postmortem/publish', requireRole('publisher'), jsonBody(publishSchema), async (c) => {
    const deps = c.get('deps');
    const { notify } = c.req.valid('json');
    const { incident, at } = await write(deps, actorOf(c), async (w) => {
      const { tx, now } = w;
      const inc = await findIncident(tx, c.req.param('id'), 'incident');
      if (inc.status !== 'resolved') throw invalidTransition(`Only a resolved incident's postmortem can be published; this one is ${inc.status}.`);
      const p = await findPostmortem(tx, inc.id);
      if (!p || !hasContent(contentOf(p))) throw invalidTransition('There is nothing to publish yet: save the postmortem (or an external link) first.');
      const content = contentOf(p);
      const first = !p.publishedAt;
      await tx
        .update(postmortems)
        .set({ published: content, publishedAt: p.publishedAt ?? now, lastPublishedAt: now, updatedAt: now })
        .where(eq(postmortems.incidentId, inc.id));
      // The public status becomes `postmortem` (derived), and the incident moves to its last internal stage.
      const stageChanged = inc.stage !== 'post_incident';
      await tx.update(incidents).set({ stage: 'post_incident', updatedAt: now }).where(eq(incidents.id, inc.id));
      if (stageChanged) {
        await w.audit({ action: 'incident.stage', entityType: 'incident', entityId: inc.id, incidentId: inc.id, before: { stage: inc.stage }, after: { stage: 'post_incident' } });
      }
      const settings = await getSettings(tx);
      const url = postmortemUrl(publicBaseUrl(settings, deps.publicUrl), inc.id, content.externalUrl);
      await w.audit(
        { action: 'postmortem.publish', entityType: 'postmortem', entityId: inc.id, incidentId: inc.id, before: { published: !first }, after: { url, notify, first } },
        { public: true },
      );
      const fresh = await findIncident(tx, inc.id, 'incident');
      if (notify) await w.events.postmortemPublished(tx, { incident: fresh, url, now });
      return { incident: fresh, at: now };
    });
    return c.json(await postmortemJson(deps, incident, at));
  });

  // Takes a published postmortem back (published too early, or with something that must not be public): the
  // public page answers 404 again and the incident reads `resolved`; the draft keeps every word.
  r.post('/incidents/:id/postmortem/unpublish', requireRole('publisher'), jsonBody(z.object({}).strict()), async (c) => {
    const deps = c.get('deps');
    const { incident, at } = await write(deps, actorOf(c), async (w) => {
      const { tx, now } = w;
      const inc = await findIncident(tx, c.req.param('id'), 'incident');
      const p = await findPostmortem(tx, inc.id);
      if (!p?.published) throw invalidTransition('This postmortem is not published.');
      await tx.update(postmortems).set({ published: null, publishedAt: null, lastPublishedAt: null, updatedAt: now }).where(eq(postmortems.incidentId, inc.id));
      await w.audit(
        { action: 'postmortem.unpublish', entityType: 'postmortem', entityId: inc.id, incidentId: inc.id, before: { published: true }, after: { published: false } },
        { public: true },
      );
      return { incident: inc, at: now };
    });
    return c.json(await postmortemJson(deps, incident, at));
  });

  return r;
}
