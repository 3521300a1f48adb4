// The audit log in words: “Dana published an update to *Slow checkout*: Monitoring”, not “incident_update.publish”
// with “authorId, componentChanges”. Each entry becomes a sentence (parts, so the page can set the incident's or
// thing's name in emphasis) and, where the entry has a before and an after, the changes as label: old → new.
import { formatDateTime } from '../../api/core/time-format.ts';
import { componentStatusLabel, ESCALATION_LEVELS, INCIDENT_ROLE_LABELS, stageLabel, statusLabel } from '../../api/core/vocabulary.ts';
import { FIELD_LABELS } from './field-labels.ts';

/** A sentence as text and names; a name is shown emphasised. */
export type Part = string | { name: string };

export interface AuditEntry {
  action: string;
  user_name: string | null;
  token_id: string | null;
  entity_type: string;
  entity_id: string | null;
  incident_id: string | null;
  before: unknown;
  after: unknown;
}

export interface SentenceContext {
  /** The incident's (or maintenance's) title, when the entry belongs to one. */
  incidentTitle: string | null;
  /** A user's name by id (roles, owners). */
  userName: (id: string) => string | null;
  timeZone: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const get = (v: unknown, key: string): unknown => (isRecord(v) ? v[key] : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Who did it: the person, their API token, or Herald itself (the scheduler, the worker, a subscriber's link). */
function actorText(e: Pick<AuditEntry, 'user_name' | 'token_id'>): string {
  if (e.user_name && e.token_id) return `${e.user_name} (with an API token)`;
  if (e.user_name) return e.user_name;
  if (e.token_id) return 'An API token';
  return 'Herald';
}

/** A field name in words: its form label, else its words ("componentChanges" → "component changes"). */
function fieldWords(key: string): string {
  const snake = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const label = FIELD_LABELS[snake];
  if (label) return label.toLowerCase();
  return snake.replace(/_/g, ' ').replace(/\bid$/, '').trim();
}

/** Fields nobody needs to read about: bookkeeping the database keeps. */
const QUIET = new Set(['id', 'updatedAt', 'updated_at', 'createdAt', 'created_at', 'position', 'passwordHash', 'secretHash', 'escalation_level']);

function valueWords(key: string, v: unknown, ctx: SentenceContext): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (key === 'status' && typeof v === 'string') return /_/.test(v) || v === 'operational' ? componentStatusLabel(v) : statusLabel(v);
  if (key === 'stage' && typeof v === 'string') return stageLabel(v);
  if (/(_id|Id)$/.test(key) && typeof v === 'string') return ctx.userName(v) ?? v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return formatDateTime(new Date(v), ctx.timeZone);
  if (typeof v === 'number' && /(At|_at)$/.test(key)) return formatDateTime(new Date(v), ctx.timeZone);
  if (typeof v === 'string') return v.length > 60 ? `“${v.slice(0, 59)}…”` : `“${v}”`;
  if (typeof v === 'number') return String(v);
  return 'changed';
}

/** What a write changed, in words: “status: Operational → Degraded performance”. */
export function changeLines(before: unknown, after: unknown, ctx: SentenceContext): string[] {
  if (!isRecord(before) || !isRecord(after)) return [];
  const out: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (QUIET.has(key)) continue;
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    out.push(`${fieldWords(key)}: ${valueWords(key, a, ctx)} → ${valueWords(key, b, ctx)}`);
  }
  return out;
}

/** The sentence for one entry. */
export function auditSentence(e: AuditEntry, ctx: SentenceContext): Part[] {
  const who = actorText(e);
  const { before, after } = e;
  const title = ctx.incidentTitle ?? str(get(after, 'title')) ?? str(get(before, 'title'));
  const it: Part = title ? { name: title } : 'an incident';
  const named = (v: unknown, fallback: string): Part => (str(v) ? { name: str(v)! } : fallback);
  const status = (v: unknown) => (str(v) ? statusLabel(str(v)!) : 'an update');
  const when = (v: unknown) => (str(v) || typeof v === 'number' ? formatDateTime(new Date(v as string | number), ctx.timeZone) : 'a later time');
  const thing = (v: unknown, kind: string) => named(get(after, 'name') ?? get(before, 'name') ?? v, `a ${kind}`);
  switch (e.action) {
    case 'incident.create':
      return [`${who} opened `, it, str(get(after, 'severity')) ? ` (${get(after, 'severity')})` : ''];
    case 'incident.title':
      return [`${who} renamed an incident to `, named(get(after, 'title'), 'a new title')];
    case 'incident.severity':
      return [`${who} changed the severity of `, it, ` from ${str(get(before, 'severity')) ?? 'none'} to ${str(get(after, 'severity')) ?? 'none'}`];
    case 'incident.stage':
      return [`${who} moved `, it, ` from ${stageLabel(String(get(before, 'stage') ?? ''))} to ${stageLabel(String(get(after, 'stage') ?? ''))}`];
    case 'incident.role': {
      const field = Object.keys(isRecord(after) ? after : {})[0] ?? '';
      const role = (INCIDENT_ROLE_LABELS as Record<string, string>)[field]?.toLowerCase() ?? fieldWords(field);
      const person = str(get(after, field));
      return person ? [`${who} made ${ctx.userName(person) ?? 'someone'} ${role} of `, it] : [`${who} left `, it, ` without a ${role}`];
    }
    case 'incident.escalation':
      return [`${who} escalated `, it, ` to the ${ESCALATION_LEVELS[Number(get(after, 'escalation_level') ?? 0)] ?? 'next level'}`];
    case 'incident.started_at':
      return [`${who} set the start of `, it, ` to ${when(get(after, 'started_at'))}`];
    case 'incident_update.create':
      return get(after, 'state') === 'scheduled'
        ? [`${who} scheduled an update to `, it, ` for ${when(get(after, 'publish_at') ?? get(after, 'publishAt'))}: ${status(get(after, 'status'))}`]
        : [`${who} saved a draft update to `, it, `: ${status(get(after, 'status'))}`];
    case 'incident_update.schedule':
      return [`${who} scheduled an update to `, it, ` for ${when(get(after, 'publish_at') ?? get(after, 'publishAt'))}: ${status(get(after, 'status'))}`];
    case 'incident_update.publish':
      return [`${who} published an update to `, it, `: ${status(get(after, 'status'))}`];
    case 'incident_update.edit':
      return [`${who} changed an update to `, it, ` (${status(get(after, 'status'))})`];
    case 'incident_update.delete':
      return [`${who} deleted an update to `, it, ` (${status(get(before, 'status'))})`];
    case 'incident_update.schedule_failed':
      return ['A scheduled update to ', it, ` could not be published: ${String(get(after, 'reason') ?? 'unknown reason')}`];
    case 'postmortem.save':
      return [`${who} saved the postmortem draft of `, it];
    case 'postmortem.publish':
      return [get(before, 'published') ? `${who} published changes to the postmortem of ` : `${who} published the postmortem of `, it];
    case 'postmortem.unpublish':
      return [`${who} took back the postmortem of `, it];
    case 'action_item.create':
      return [`${who} added the action item `, named(get(after, 'title'), 'an action item'), ' to ', it];
    case 'action_item.edit':
      return [`${who} changed the action item `, named(get(after, 'title'), 'an action item'), ' of ', it];
    case 'action_item.close':
      return [`${who} marked the action item `, named(get(after, 'title'), 'an action item'), ' done'];
    case 'action_item.reopen':
      return [`${who} reopened the action item `, named(get(after, 'title'), 'an action item')];
    case 'action_item.delete':
      return [`${who} removed the action item `, named(get(before, 'title'), 'an action item'), ' from ', it];
    case 'maintenance.create':
      return [`${who} scheduled the maintenance `, it];
    case 'maintenance.edit':
      return [`${who} changed the plan of `, it];
    case 'maintenance.status':
      return [get(after, 'automatic') ? 'Herald moved ' : `${who} moved `, it, ` from ${status(get(before, 'status'))} to ${status(get(after, 'status'))}`];
    case 'maintenance.reminder':
      return ['Herald sent the reminder for ', it];
    case 'maintenance.reminder_skipped':
      return ['Herald skipped the reminder for ', it, ' (the window had started)'];
    case 'component.create':
      return [`${who} added the component `, thing(null, 'component')];
    case 'component.update':
      return [`${who} changed the component `, thing(null, 'component')];
    case 'component.delete':
      return [`${who} deleted the component `, thing(null, 'component')];
    case 'component.reorder':
      return [`${who} reordered the components`];
    case 'component_group.create':
      return [`${who} added the group `, thing(null, 'group')];
    case 'component_group.update':
      return [`${who} changed the group `, thing(null, 'group')];
    case 'component_group.delete':
      return [`${who} deleted the group `, thing(null, 'group')];
    case 'component_group.reorder':
      return [`${who} reordered the groups`];
    case 'template.create':
      return [`${who} created the template `, thing(null, 'template')];
    case 'template.update':
      return [`${who} changed the template `, thing(null, 'template')];
    case 'template.delete':
      return [`${who} deleted the template `, thing(null, 'template')];
    case 'user.setup':
      return [`${who} set up Herald as its first owner`];
    case 'user.create':
      return get(after, 'hasPassword') === false
        ? [`${who} invited `, thing(null, 'user'), ` as ${String(get(after, 'role') ?? 'a user')}`]
        : [`${who} added `, thing(null, 'user'), ` as ${String(get(after, 'role') ?? 'a user')}`];
    case 'user.create_cli':
      return ['An owner was created from the command line: ', thing(null, 'user')];
    case 'user.invite':
      return [`${who} made a new invitation link for `, named(ctx.userName(e.entity_id ?? ''), 'a user')];
    case 'user.accept_invitation':
      return [`${who} accepted their invitation and set a password`];
    case 'user.update':
      return [`${who} changed the account of `, thing(null, 'user')];
    case 'user.update_self':
      return [`${who} changed their own account`];
    case 'user.delete':
      return [`${who} removed the user `, thing(null, 'user')];
    case 'user.reset_password_cli':
      return ['A password was reset from the command line for ', thing(null, 'user')];
    case 'user.password_reset':
      return [`${who} set a new password with a reset link (signed out everywhere else)`];
    case 'user.password_reset_requested':
      return ['Someone asked for a password reset link for ', named(ctx.userName(e.entity_id ?? ''), 'an account'), ' (it went out by email)'];
    case 'session.login':
      return [`${who} signed in`];
    case 'session.logout':
      return [`${who} signed out`];
    case 'session.revoke':
      return [`${who} ended a session`];
    case 'token.create':
      return [`${who} created the API token `, thing(null, 'token'), str(get(after, 'scope')) ? ` (${get(after, 'scope')})` : ''];
    case 'token.revoke':
      return [`${who} revoked the API token `, thing(null, 'token')];
    case 'settings.update':
      return [`${who} changed the settings`];
    case 'subscriber.request':
      return ['Someone asked to subscribe by email (a confirmation email went out)'];
    case 'subscriber.confirm':
      return ['A subscriber confirmed their address'];
    case 'subscriber.unsubscribe':
      return ['A subscriber unsubscribed'];
    case 'subscriber.components':
      return ['A subscriber changed the components they follow'];
    case 'subscriber.delete':
      return [`${who} removed a subscriber`];
    case 'webhook.create':
      return [`${who} added a webhook`];
    case 'webhook.delete':
      return [`${who} removed a webhook`];
    case 'outbox.retry':
      return [`${who} queued message #${e.entity_id ?? '?'} again`];
    case 'outbox.retry_failed':
      return [`${who} queued every failed message again`];
    default:
      return [`${who}: ${e.action.replace(/[._]/g, ' ')}`];
  }
}

/** The sentence as plain text (tests, titles). */
export const sentenceText = (parts: Part[]): string => parts.map((p) => (typeof p === 'string' ? p : p.name)).join('');
