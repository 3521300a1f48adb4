// The audit log in words: “Dana published an update to *Slow checkout*: Monitoring”, not “incident_update.publish”
// with “authorId, componentChanges”. Each entry becomes a sentence (parts, so the page can set the incident's or
// thing's name in emphasis) and, where the entry has a before and an after, the changes as label: old → new.
import { formatDateTime } from '../../api/core/time-format.ts';
import { componentStatusLabel, ESCALATION_LEVELS, INCIDENT_ROLE_LABELS, PAGE_REASON_LABELS, stageLabel, statusLabel } from '../../api/core/vocabulary.ts';
import { FIELD_LABELS } from './field-labels.ts';
import { plural } from './wording.ts';

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
  /** A component's name by id (a status an alert set names only the component's id). */
  componentName?: (id: string) => string | null;
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
const QUIET = new Set(['id', 'updatedAt', 'updated_at', 'createdAt', 'created_at', 'position', 'passwordHash', 'secretHash', 'escalation_level', 'automatic', 'alert_id', 'alert_title', 'incidentId', 'incident_id']);

/** Entries whose sentence says all there is: their before and after are not listed again as changes. */
const SAID = new Set([
  'incident.escalation',
  'incident.page_again',
  'incident.security',
  'incident.note',
  'page.sent',
  'page.none',
  'page.ack',
  'response.reminder',
  'alert.receive',
  'alert.fire',
  'alert.resolve',
  'alert.declare',
  'alert.attach',
  'alert.dismiss',
  'stakeholder.create',
  'stakeholder.delete',
]);

/** One item of a list as a person reads it: its label or name, else its words. */
function itemWords(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (isRecord(v)) {
    const named = str(v.label) ?? str(v.name);
    if (named) return named;
    return Object.values(v)
      .filter((x) => typeof x === 'string' || typeof x === 'number')
      .join(' ');
  }
  return '';
}

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
  if (Array.isArray(v)) return v.length ? v.map(itemWords).filter(Boolean).join(', ') : 'none';
  return 'changed';
}

/** A key of a nested record in words: severities stay "P1", the rest as fields. */
const pathWords = (path: string[]): string => path.map((k) => (/^P[1-4]$/.test(k) ? k : fieldWords(k))).join(' ');

/** The escalation path's changes: each level's name and contacts, then the timeouts and paging per severity. */
function escalationLines(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const out: string[] = [];
  const levels = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord) : []);
  const was = levels(before.levels);
  for (const l of levels(after.levels)) {
    const old = was.find((x) => x.level === l.level);
    const name = str(l.name) ?? `level ${String(l.level)}`;
    if (old && str(old.name) !== str(l.name)) out.push(`level ${String(l.level)} name: “${str(old.name) ?? ''}” → “${name}”`);
    const contacts = (v: unknown) => (Array.isArray(v) ? v.map(itemWords).filter(Boolean).join(', ') : '') || 'none';
    if (contacts(old?.contacts) !== contacts(l.contacts)) out.push(`${name} contacts: ${contacts(old?.contacts)} → ${contacts(l.contacts)}`);
  }
  const per = (key: string, label: string, words: (v: unknown) => string) => {
    const a = isRecord(before[key]) ? before[key] : {};
    const b = isRecord(after[key]) ? after[key] : {};
    for (const sev of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (JSON.stringify(a[sev]) !== JSON.stringify(b[sev])) out.push(`${label} (${sev}): ${words(a[sev])} → ${words(b[sev])}`);
    }
  };
  per('ack_timeout_minutes', 'acknowledge within', (v) => (typeof v === 'number' ? `${v} min` : 'never climbs by itself'));
  per('page_on_open', 'page level 1 on open', (v) => (v ? 'yes' : 'no'));
  if (before.update_reminder_minutes !== after.update_reminder_minutes) {
    out.push(`update reminder: ${String(before.update_reminder_minutes ?? 'none')} min before → ${String(after.update_reminder_minutes ?? 'none')} min before`);
  }
  return out;
}

/**
 * What a write changed, in words: “status: Operational → Degraded performance”; a nested record key by key
 * (“severities P1 response minutes: 15 → 10”). `action` leaves out what the entry's sentence already says.
 */
export function changeLines(before: unknown, after: unknown, ctx: SentenceContext, action?: string): string[] {
  if (!isRecord(before) || !isRecord(after)) return [];
  if (action && SAID.has(action)) return [];
  if (action === 'escalation.update') return escalationLines(before, after);
  const out: string[] = [];
  const walk = (a: Record<string, unknown>, b: Record<string, unknown>, path: string[]) => {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (QUIET.has(key)) continue;
      const x = a[key];
      const y = b[key];
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      if (isRecord(x) && isRecord(y)) walk(x, y, [...path, key]);
      else {
        const was = valueWords(key, x, ctx);
        const now = valueWords(key, y, ctx);
        // null and absent read the same: “none → none” says nothing
        if (was !== now) out.push(`${pathWords([...path, key])}: ${was} → ${now}`);
      }
    }
  };
  walk(before, after, []);
  return out;
}

/** “: more expertise needed”, or nothing when no reason was given. */
const reasonWords = (v: unknown): string => (str(v) && PAGE_REASON_LABELS[str(v)!] ? `: ${PAGE_REASON_LABELS[str(v)!]}` : '');

/** Where an alert came from. */
const SOURCES: Record<string, string> = { alertmanager: 'Alertmanager', grafana: 'Grafana', generic: 'a script' };
const sourceWords = (v: unknown): string => SOURCES[String(v)] ?? (str(v) ? String(v) : 'monitoring');

const REMINDER_WORDS: Record<string, string> = {
  update_due: 'the next public update is due soon',
  update_overdue: 'the public update is overdue',
  response_missed: 'the response target was missed',
  resolution_missed: 'the resolution target was missed',
};

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
    case 'incident.escalation': {
      const level = str(get(after, 'level_name')) ?? ESCALATION_LEVELS[Number(get(after, 'escalation_level') ?? 0)] ?? 'next level';
      if (get(after, 'automatic')) return ['Herald escalated ', it, ` to the ${level}: nobody acknowledged the page in time`];
      return [`${who} escalated `, it, ` to the ${level}${reasonWords(get(after, 'reason'))}`];
    }
    case 'incident.page_again':
      return [`${who} paged the ${str(get(after, 'level_name')) ?? 'same level'} again about `, it, reasonWords(get(after, 'reason'))];
    case 'incident.security':
      return get(after, 'security') ? [`${who} marked `, it, ' as a security incident'] : [`${who} no longer marks `, it, ' as a security incident'];
    case 'incident.note': {
      const body = str(get(after, 'body'))?.trim().split(/\r?\n/)[0] ?? '';
      return [`${who} wrote an internal note on `, it, body ? `: “${body.length > 80 ? `${body.slice(0, 79)}…` : body}”` : ''];
    }
    case 'page.sent': {
      const channels = get(after, 'channels');
      const via = Array.isArray(channels) && channels.length ? ` by ${channels.join(' and ')}` : '';
      return [`${who} paged the ${str(get(after, 'level_name')) ?? 'next level'} about `, it, `: ${plural(Number(get(after, 'contacts') ?? 0), 'contact')}${via}`];
    }
    case 'page.none':
      return ['Nobody was paged about ', it, `: the ${str(get(after, 'level_name')) ?? 'level'} level has no contacts`];
    case 'page.ack': {
      const contact = str(get(after, 'contact')) ?? 'a contact';
      if (get(after, 'via') === 'link' && who === 'Herald') return [`${contact} acknowledged their page about `, it, ' by its link'];
      return [`${who} acknowledged the page to ${contact} about `, it, get(after, 'via') === 'link' ? ' by its link' : ''];
    }
    case 'response.reminder':
      return [`Herald reminded the ${str(get(after, 'to')) ?? 'team'} about `, it, `: ${REMINDER_WORDS[String(get(after, 'kind'))] ?? 'a reminder'}`];
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
      if (get(after, 'automatic') && str(get(after, 'alert_title'))) {
        const name = ctx.componentName?.(e.entity_id ?? '') ?? null;
        return ['Herald set the component ', name ? { name } : 'a component', ` to ${componentStatusLabel(String(get(after, 'status') ?? ''))} because of the alert `, { name: str(get(after, 'alert_title'))! }];
      }
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
    case 'escalation.update':
      return [`${who} changed the escalation path and paging`];
    case 'stakeholder.create':
      return [`${who} added the stakeholder `, named(get(after, 'label') ?? get(after, 'address'), 'a stakeholder')];
    case 'stakeholder.delete':
      return [`${who} removed the stakeholder `, named(get(before, 'label') ?? get(before, 'address'), 'a stakeholder')];
    case 'alert.receive':
      return ['The alert ', named(get(after, 'title'), 'an alert'), ` came in from ${sourceWords(get(after, 'source'))}`, get(after, 'status') === 'resolved' ? ', already resolved' : ''];
    case 'alert.fire':
      return ['The alert ', named(get(after, 'title'), 'an alert'), ' fired again'];
    case 'alert.resolve':
      return ['The alert ', named(get(after, 'title'), 'an alert'), ` was resolved by ${sourceWords(get(after, 'source'))}`];
    case 'alert.declare':
      return [`${who} declared `, it, ' from the alert ', named(get(after, 'title'), 'an alert')];
    case 'alert.attach':
      return [`${who} attached the alert `, named(get(after, 'title'), 'an alert'), ' to ', it];
    case 'alert.dismiss': {
      const reason = str(get(after, 'reason'));
      return [`${who} dismissed the alert `, named(get(after, 'title'), 'an alert'), reason ? `: ${reason}` : ' (no reason given)'];
    }
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
