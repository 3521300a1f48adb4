// Subscribers (email addresses and webhooks) by id, and their components: shared by the subscriber, webhook and delivery-log routes.
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { components, subscriberComponents, subscribers } from '../../db/schema.ts';
import { badRequest, notFound } from '../core/errors.ts';

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
