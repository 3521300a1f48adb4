// Test fixtures for the public read side: components, groups, incidents and updates inserted straight with drizzle.
import { eq } from 'drizzle-orm';
import {
  componentGroups,
  components,
  incidentComponents,
  incidents,
  incidentUpdates,
  type AffectedComponent,
  type ComponentStatus,
  type Impact,
} from '../../db/schema.ts';
import { bumpContentVersion } from '../../api/audit/audit.ts';
import { newId } from '../../api/core/ids.ts';
import type { TestApp } from './app.ts';

const MIN = 60_000;

export async function addGroup(t: TestApp, o: { name: string; position?: number; description?: string }): Promise<string> {
  const id = newId();
  const now = t.clock.now();
  await t.database.db.insert(componentGroups).values({ id, name: o.name, description: o.description ?? null, position: o.position ?? 0, createdAt: now, updatedAt: now });
  return id;
}

export async function addComponent(
  t: TestApp,
  o: { name: string; status?: ComponentStatus; groupId?: string; position?: number; description?: string },
): Promise<string> {
  const id = newId();
  const now = t.clock.now();
  await t.database.db.insert(components).values({
    id,
    name: o.name,
    description: o.description ?? null,
    groupId: o.groupId ?? null,
    status: o.status ?? 'operational',
    position: o.position ?? 0,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

export interface IncidentRow {
  title: string;
  kind?: 'incident' | 'maintenance';
  status?: string;
  impact?: Impact;
  /** Minutes before the clock's now. */
  startedMinutesAgo?: number;
  /** Unpublished incidents are drafts nobody outside sees. */
  published?: boolean;
  componentIds?: string[];
  monitoringAt?: Date;
  resolvedAt?: Date;
  scheduledFor?: Date;
  scheduledUntil?: Date;
}

export async function addIncident(t: TestApp, o: IncidentRow): Promise<string> {
  const id = newId();
  const now = t.clock.now();
  const startedAt = new Date(now.getTime() - (o.startedMinutesAgo ?? 0) * MIN);
  const kind = o.kind ?? 'incident';
  await t.database.db.insert(incidents).values({
    id,
    kind,
    title: o.title,
    severity: kind === 'incident' ? 'P2' : null,
    status: o.status ?? (kind === 'incident' ? 'investigating' : 'scheduled'),
    impact: o.impact ?? (kind === 'incident' ? 'major' : 'maintenance'),
    startedAt,
    monitoringAt: o.monitoringAt ?? null,
    resolvedAt: o.resolvedAt ?? null,
    scheduledFor: o.scheduledFor ?? null,
    scheduledUntil: o.scheduledUntil ?? null,
    publishedAt: o.published === false ? null : startedAt,
    createdAt: startedAt,
    updatedAt: startedAt,
  });
  if (o.componentIds?.length) {
    await t.database.db.insert(incidentComponents).values(o.componentIds.map((componentId) => ({ incidentId: id, componentId })));
  }
  return id;
}

export async function addUpdate(
  t: TestApp,
  incidentId: string,
  o: {
    status: string;
    body: string;
    state?: 'draft' | 'scheduled' | 'published';
    /** Minutes before the clock's now. */
    minutesAgo?: number;
    affected?: AffectedComponent[] | null;
    notify?: boolean;
  },
): Promise<string> {
  const id = newId();
  const at = new Date(t.clock.now().getTime() - (o.minutesAgo ?? 0) * MIN);
  const state = o.state ?? 'published';
  await t.database.db.insert(incidentUpdates).values({
    id,
    incidentId,
    status: o.status,
    body: o.body,
    state,
    affectedComponents: o.affected ?? null,
    notify: o.notify ?? true,
    createdAt: at,
    updatedAt: at,
    displayAt: at,
    publishedAt: state === 'published' ? at : null,
  });
  return id;
}

export async function setIncident(t: TestApp, id: string, values: Partial<typeof incidents.$inferInsert>): Promise<void> {
  await t.database.db.update(incidents).set(values).where(eq(incidents.id, id));
}

/** What every write does after changing public content. */
export async function bump(t: TestApp): Promise<void> {
  await bumpContentVersion(t.database.db, t.clock.now());
}
