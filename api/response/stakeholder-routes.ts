// /api/v1/stakeholders (internal recipients of the internal story) and /api/v1/incidents/:id/notes (internal notes).
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { jsonBody } from '../http/validate.ts';
import { write } from '../audit/write.ts';
import { badRequest } from '../core/errors.ts';
import { webhookUrlRefusal } from '../core/webhook-address.ts';
import { findIncident } from '../incidents/incident-store.ts';
import { markdown } from '../incidents/incident-schemas.ts';
import { addNote, listNotes } from './notes.ts';
import { addStakeholder, createStakeholderSchema, listStakeholders, removeStakeholder } from './stakeholders.ts';

const noteSchema = z.object({ message: markdown }).strict();

export function stakeholderRoutes() {
  const r = new Hono<AppEnv>();

  // Addresses are personal data and chat URLs credentials: publishers manage them, as they do webhooks.
  r.get('/stakeholders', requireRole('publisher'), async (c) => c.json({ stakeholders: await listStakeholders(c.get('deps').db) }));

  r.post('/stakeholders', requireRole('publisher'), jsonBody(createStakeholderSchema), async (c) => {
    const body = c.req.valid('json');
    if (body.kind !== 'email') {
      const { webhooks } = c.get('deps');
      const refusal = await webhookUrlRefusal(body.address, { allowPrivate: webhooks?.allowPrivate, resolve: webhooks?.resolve });
      if (refusal) throw badRequest(`The URL ${refusal}.`, { address: `This URL ${refusal}.` });
    }
    const made = await write(c.get('deps'), actorOf(c), async (w) => {
      const out = await addStakeholder(w.tx, body, w.now);
      const { secret: _secret, ...audited } = out;
      await w.audit({ action: 'stakeholder.create', entityType: 'stakeholder', entityId: out.id, after: audited });
      return out;
    });
    c.header('Cache-Control', 'no-store');
    return c.json(made, 201);
  });

  r.delete('/stakeholders/:id', requireRole('publisher'), async (c) => {
    await write(c.get('deps'), actorOf(c), async (w) => {
      const removed = await removeStakeholder(w.tx, c.req.param('id'));
      await w.audit({ action: 'stakeholder.delete', entityType: 'stakeholder', entityId: removed.id, before: removed });
    });
    return c.body(null, 204);
  });

  r.get('/incidents/:id/notes', requireRole('viewer'), async (c) => {
    const { db } = c.get('deps');
    const incident = await findIncident(db, c.req.param('id'));
    return c.json({ notes: await listNotes(db, incident.id) });
  });

  // Internal, so an editor may write one (nothing public changes).
  r.post('/incidents/:id/notes', requireRole('editor'), jsonBody(noteSchema), async (c) => {
    const { message } = c.req.valid('json');
    const note = await write(c.get('deps'), actorOf(c), (w) => addNote(w, c.req.param('id'), message));
    return c.json(note, 201);
  });

  return r;
}
