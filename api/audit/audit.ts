// The audit log (who did what, before and after) and the content version every public write bumps.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { auditLog, contentVersion } from '../../db/schema.ts';
import type { Actor } from '../core/actor.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  incidentId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Records one write. Secrets never go in: callers pass rows without hashes. */
export async function recordAudit(tx: Executor, actor: Actor | null, entry: AuditEntry, now: Date): Promise<void> {
  await tx.insert(auditLog).values({
    at: now,
    userId: actor?.user.id ?? null,
    tokenId: actor?.tokenId ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    incidentId: entry.incidentId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

/** Marks public content as changed, so every server instance drops its page cache. */
export async function bumpContentVersion(tx: Executor, now: Date): Promise<void> {
  await tx
    .insert(contentVersion)
    .values({ id: 1, version: 1, updatedAt: now })
    .onConflictDoUpdate({ target: contentVersion.id, set: { version: sql`${contentVersion.version} + 1`, updatedAt: now } });
}

export async function readContentVersion(tx: Executor): Promise<number> {
  const rows = await tx.select({ version: contentVersion.version }).from(contentVersion).limit(1);
  return rows[0]?.version ?? 0;
}
