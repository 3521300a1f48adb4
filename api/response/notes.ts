// Internal notes on an incident: kept beside it, on its timeline, sent to stakeholders; never on any public page or feed.
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { incidentNotes, users } from '../../db/schema.ts';
import type { Actor } from '../core/actor.ts';
import { conflict } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { iso } from '../core/iso.ts';
import type { Write } from '../audit/write.ts';
import { findIncident } from '../incidents/incident-store.ts';

export type NoteRow = typeof incidentNotes.$inferSelect;

export interface NoteOut {
  id: string;
  incident_id: string;
  body: string;
  author_id: string | null;
  author_name: string | null;
  created_at: string;
}

const noteJson = (n: NoteRow, authorName: string | null): NoteOut => ({
  id: n.id,
  incident_id: n.incidentId,
  body: n.body,
  author_id: n.authorId,
  author_name: authorName,
  created_at: iso(n.createdAt),
});

/** Writes a note in the caller's write, audited (the timeline shows it), and emits internalNote (stakeholders). */
export async function addNote(w: Write<Actor>, incidentId: string, body: string): Promise<NoteOut> {
  const { tx, now, actor } = w;
  const incident = await findIncident(tx, incidentId);
  if (incident.kind !== 'incident') throw conflict('Internal notes are for incidents.');
  const note: NoteRow = { id: newId(), incidentId, authorId: actor.user.id, body, createdAt: now };
  await tx.insert(incidentNotes).values(note);
  await w.audit({ action: 'incident.note', entityType: 'incident_note', entityId: note.id, incidentId, after: { body } });
  await w.events.internalNote(tx, { incident, note, actor, now });
  return noteJson(note, actor.user.name);
}

export async function listNotes(db: Executor, incidentId: string): Promise<NoteOut[]> {
  const rows = await db
    .select({ n: incidentNotes, name: users.name })
    .from(incidentNotes)
    .leftJoin(users, eq(users.id, incidentNotes.authorId))
    .where(eq(incidentNotes.incidentId, incidentId))
    .orderBy(asc(incidentNotes.createdAt), asc(incidentNotes.id));
  return rows.map((r) => noteJson(r.n, r.name));
}

export async function findNote(db: Executor, id: string): Promise<NoteRow | null> {
  const [row] = await db.select().from(incidentNotes).where(eq(incidentNotes.id, id));
  return row ?? null;
}
