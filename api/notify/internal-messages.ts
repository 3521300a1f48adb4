// The response team's messages (pages, role assignments, stakeholder updates, reminders): composed once per event
// from the admin read model, then written as email, a Slack message or a plain webhook's JSON.
import { eq } from 'drizzle-orm';
import type { DB } from '../../db/client.ts';
import { pages } from '../../db/schema.ts';
import type { AppDeps } from '../core/deps.ts';
import type { ReminderKind } from '../core/events.ts';
import { escapeHtml } from '../core/html.ts';
import { markdownToText, renderMarkdown } from '../core/markdown.ts';
import { getSettings, publicBaseUrl } from '../core/settings.ts';
import { formatDateTime, formatDuration, safeTimeZone } from '../core/time-format.ts';
import { PAGE_REASON_LABELS, ROLE_DUTIES, SEVERITY_CRITERIA, statusLabel } from '../core/vocabulary.ts';
import { incidentDetailJson, type IncidentDetailOut } from '../incidents/incident-json.ts';
import { findIncident } from '../incidents/incident-store.ts';
import { linkKey } from '../core/signing-key.ts';
import { ackUrl, signAckToken } from '../response/ack-links.ts';
import { findNote } from '../response/notes.ts';
import { levelName } from '../response/paging.ts';
import { GoneError } from './compose.ts';
import type { SlackMessage } from './slack.ts';

export type InternalEventKind = 'page' | 'role_assigned' | 'stakeholder_update' | 'reminder';

export type RoleField = 'commander_id' | 'tech_lead_id' | 'comms_lead_id';

/** What a stakeholder hears about. */
export type StakeholderWhat = 'declared' | 'severity' | 'stage' | 'security' | 'escalated' | 'note' | 'resolved';

/**
 * What the outbox keeps for an internal event: references and the few facts a later read cannot give back (the
 * severity before a change). Composed when delivered, so a page acknowledged or an update posted meanwhile is
 * not sent.
 */
export type InternalRef =
  | { type: 'page'; pageId: string }
  | { type: 'role'; incidentId: string; role: RoleField; userId: string }
  | { type: 'stakeholder'; incidentId: string; what: StakeholderWhat; from?: string | null; to?: string | null; level?: number; reason?: string | null; automatic?: boolean; noteId?: string }
  | { type: 'reminder'; incidentId: string; kind: ReminderKind; dueAt: string };

export const isInternalRef = (v: unknown): v is InternalRef =>
  !!v && typeof v === 'object' && ['page', 'role', 'stakeholder', 'reminder'].includes(String((v as { type?: unknown }).type));

/** One message, before it is written for a channel. */
export interface InternalMessage {
  kind: InternalEventKind;
  incidentId: string;
  /** The subject line and chat headline. */
  subject: string;
  /** The first thing read: what happened and what is asked of the reader. */
  intro: string;
  /** Label and value pairs: severity, status, targets, roles… */
  facts: [string, string][];
  /** Markdown (a note, the role's duties), sanitized when rendered. */
  body: string | null;
  /** Buttons / links, the first being the action asked for. */
  actions: { label: string; url: string }[];
  urgent: boolean;
  /** The machine-readable part of a plain webhook's JSON. */
  data: Record<string, unknown>;
  page: { name: string; base: string; timeZone: string };
}

function since(due: Date, now: Date): string {
  return formatDuration(now.getTime() - due.getTime());
}

/** "met 14:03", "missed by 7 min", "due in 3 min (14:30)", for a target. */
function targetText(due: string | null, metAt: string | null, now: Date, zone: string, none: string): string {
  if (!due) return none;
  const d = new Date(due);
  if (metAt) {
    const m = new Date(metAt);
    return m.getTime() > d.getTime() ? `met ${formatDateTime(m, zone)}, ${formatDuration(m.getTime() - d.getTime())} late` : `met ${formatDateTime(m, zone)}`;
  }
  if (now.getTime() > d.getTime()) return `MISSED by ${since(d, now)} (due ${formatDateTime(d, zone)})`;
  return `due in ${formatDuration(d.getTime() - now.getTime())} (${formatDateTime(d, zone)})`;
}

function incidentFacts(i: IncidentDetailOut, now: Date, zone: string): [string, string][] {
  const open = i.status !== 'resolved';
  const facts: [string, string][] = [
    ['Severity', i.severity ? `${i.severity}: ${SEVERITY_CRITERIA[i.severity]}` : '—'],
    ['Public status', `${statusLabel(i.status)}${i.published_at ? '' : ' (draft: not public yet)'}`],
    ['Stage', i.stage.replace(/_/g, ' ')],
    ['Started', `${formatDateTime(new Date(i.started_at), zone)} (${formatDuration(now.getTime() - Date.parse(i.started_at))} ago)`],
    ['Response target', targetText(i.response_due_at, i.responded_at, now, zone, '—')],
    ['Resolution target', open ? targetText(i.resolution_due_at, null, now, zone, 'next release') : targetText(i.resolution_due_at, i.resolved_at, now, zone, 'next release')],
  ];
  if (open && i.next_update_due_at) facts.push(['Next public update', targetText(i.next_update_due_at, null, now, zone, '—').replace(/^MISSED/, 'OVERDUE')]);
  facts.push(['Escalation', i.escalation_level_name]);
  facts.push(['Incident commander', i.commander_name ?? 'unassigned']);
  facts.push(['Technical lead', i.tech_lead_name ?? 'unassigned']);
  facts.push(['Communications lead', i.comms_lead_name ?? 'unassigned']);
  if (i.components.length) facts.push(['Components', i.components.map((c) => `${c.name} (${c.status.replace(/_/g, ' ')})`).join(', ')]);
  if (i.security) facts.push(['Security', 'a security incident: keep details out of public text']);
  return facts;
}

function incidentData(i: IncidentDetailOut, consoleUrl: string): Record<string, unknown> {
  return {
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    stage: i.stage,
    security: i.security,
    public: i.published_at !== null,
    escalation_level: i.escalation_level,
    escalation_level_name: i.escalation_level_name,
    started_at: i.started_at,
    response_due_at: i.response_due_at,
    resolution_due_at: i.resolution_due_at,
    next_update_due_at: i.next_update_due_at,
    response_missed: i.response_missed,
    resolution_missed: i.resolution_missed,
    update_overdue: i.update_overdue,
    commander: i.commander_name,
    tech_lead: i.tech_lead_name,
    comms_lead: i.comms_lead_name,
    components: i.components,
    console_url: consoleUrl,
  };
}

/** The latest published update, as plain text: "what happened" in a page. */
function latestUpdate(i: IncidentDetailOut): string | null {
  const u = i.updates.find((x) => x.state === 'published');
  return u ? markdownToText(u.body).slice(0, 1200) : null;
}

const REMINDER_TEXT: Record<ReminderKind, (due: string, i: IncidentDetailOut) => { subject: string; intro: string }> = {
  update_due: (due, i) => ({
    subject: `Update due at ${due}: ${i.title}`,
    intro: `The next public update for this ${i.severity} incident is due at ${due}. Post it before then, or schedule it.`,
  }),
  update_overdue: (due, i) => ({
    subject: `UPDATE OVERDUE: ${i.title}`,
    intro: `The public update for this ${i.severity} incident was due at ${due} and has not been posted. Customers are waiting: post an update now.`,
  }),
  response_missed: (due, i) => ({
    subject: `Response target missed: ${i.title}`,
    intro: `The ${i.severity} response target (${due}) passed without a public update. Our procedure calls for escalating.`,
  }),
  resolution_missed: (due, i) => ({
    subject: `Resolution target missed: ${i.title}`,
    intro: `The ${i.severity} resolution target (${due}) has passed and the incident is still open. Our procedure calls for escalating.`,
  }),
};

/**
 * Composes an internal event. Throws GoneError when it no longer applies: the incident is gone or resolved (a
 * page), the page was acknowledged already, the update it reminds of was posted, the role holder changed.
 */
export async function composeInternal(deps: Pick<AppDeps, 'db' | 'clock' | 'publicUrl' | 'responseLinks'>, kind: InternalEventKind, ref: InternalRef): Promise<InternalMessage> {
  const db: DB = deps.db;
  const now = deps.clock.now();
  const settings = await getSettings(db);
  const zone = safeTimeZone(settings.timeZone);
  const base = publicBaseUrl(settings, deps.publicUrl);
  const page = { name: settings.pageName, base, timeZone: zone };
  const incidentId = ref.type === 'page' ? ((await db.select({ id: pages.incidentId }).from(pages).where(eq(pages.id, ref.pageId)))[0]?.id ?? null) : ref.incidentId;
  if (!incidentId) throw new GoneError('the page was deleted');
  let row;
  try {
    row = await findIncident(db, incidentId);
  } catch {
    throw new GoneError('the incident was deleted');
  }
  const i = await incidentDetailJson(db, row, now);
  const consoleUrl = `${base}${deps.responseLinks.incidents}/${encodeURIComponent(i.id)}`;
  const sev = i.severity ?? '';
  const facts = incidentFacts(i, now, zone);
  const common = { kind, incidentId: i.id, facts, page };

  if (ref.type === 'page') {
    const [p] = await db.select().from(pages).where(eq(pages.id, ref.pageId));
    if (!p) throw new GoneError('the page was deleted');
    if (p.acknowledgedAt) throw new GoneError('the page was acknowledged before it went out');
    if (i.status === 'resolved') throw new GoneError('the incident was resolved before the page went out');
    const ack = ackUrl(base, deps.responseLinks.acknowledge, signAckToken(await linkKey(db), p.id, now));
    const level = levelName(settings, p.level);
    const why = p.reason ? PAGE_REASON_LABELS[p.reason] ?? p.reason : 'escalated';
    const update = latestUpdate(i);
    return {
      ...common,
      subject: `[PAGE] ${sev} ${i.title}: ${level}, please acknowledge`,
      intro: `You are paged as ${level} for the ${sev} incident "${i.title}" (${why}). Acknowledge to tell the team you are on it${
        settings.ackTimeoutMinutes[i.severity ?? 'P4'] !== null && p.level < 4 ? `; without an acknowledgement within ${settings.ackTimeoutMinutes[i.severity ?? 'P4']} min the next level is paged` : ''
      }.`,
      body: update ? `**Latest public update:** ${update}` : null,
      actions: [
        { label: 'Acknowledge', url: ack },
        { label: 'Open in the console', url: consoleUrl },
      ],
      urgent: true,
      data: { type: 'page', page: { id: p.id, level: p.level, level_name: level, reason: p.reason, acknowledge_url: ack }, incident: incidentData(i, consoleUrl) },
    };
  }

  if (ref.type === 'role') {
    const holder = ref.role === 'commander_id' ? i.commander_id : ref.role === 'tech_lead_id' ? i.tech_lead_id : i.comms_lead_id;
    if (holder !== ref.userId) throw new GoneError('the role was given to someone else before the message went out');
    const role = ROLE_DUTIES[ref.role];
    return {
      ...common,
      subject: `You are ${role.title.toLowerCase()}: ${sev} ${i.title}`,
      intro: `You were assigned ${role.title.toLowerCase()} for the ${sev} incident "${i.title}".`,
      body: `**Your duties as ${role.title.toLowerCase()}:**\n\n${role.duties.map((d) => `- ${d}`).join('\n')}`,
      actions: [{ label: 'Open in the console', url: consoleUrl }],
      urgent: sev === 'P1' || sev === 'P2',
      data: { type: 'role_assigned', role: { field: ref.role, title: role.title, duties: role.duties }, incident: incidentData(i, consoleUrl) },
    };
  }

  if (ref.type === 'reminder') {
    const due = new Date(ref.dueAt);
    if (i.status === 'resolved') throw new GoneError('the incident was resolved');
    if ((ref.kind === 'update_due' || ref.kind === 'update_overdue') && i.next_update_due_at !== due.toISOString()) throw new GoneError('an update was posted meanwhile');
    if (ref.kind === 'response_missed' && i.responded_at) throw new GoneError('the response was posted meanwhile');
    const text = REMINDER_TEXT[ref.kind](formatDateTime(due, zone), i);
    const composer = `${consoleUrl}#composer`;
    return {
      ...common,
      subject: text.subject,
      intro: text.intro,
      body: null,
      actions: ref.kind.startsWith('update') ? [{ label: 'Post an update', url: composer }] : [{ label: 'Escalate or update', url: consoleUrl }],
      urgent: ref.kind !== 'update_due',
      data: { type: 'reminder', reminder: { kind: ref.kind, due_at: ref.dueAt }, incident: incidentData(i, consoleUrl) },
    };
  }

  // stakeholder updates
  let subject: string;
  let intro: string;
  let body: string | null = null;
  switch (ref.what) {
    case 'declared':
      subject = `Incident declared: ${ref.to ?? sev} ${i.title}`;
      intro = `A ${ref.to ?? sev} incident was declared: "${i.title}".`;
      body = latestUpdate(i);
      break;
    case 'severity':
      subject = `Severity ${ref.from ?? '?'} → ${ref.to ?? sev}: ${i.title}`;
      intro = `The incident "${i.title}" changed severity from ${ref.from ?? '?'} to ${ref.to ?? sev}.`;
      break;
    case 'stage':
      subject = `Stage: ${(ref.to ?? i.stage).replace(/_/g, ' ')}: ${i.title}`;
      intro = `The incident "${i.title}" moved from ${(ref.from ?? '?').replace(/_/g, ' ')} to ${(ref.to ?? i.stage).replace(/_/g, ' ')}.`;
      break;
    case 'security':
      subject = `${ref.to === 'true' ? 'Security incident' : 'No longer a security incident'}: ${i.title}`;
      intro = ref.to === 'true' ? `The incident "${i.title}" is now handled as a security incident.` : `The incident "${i.title}" is no longer marked as a security incident.`;
      break;
    case 'escalated': {
      const name = levelName(settings, ref.level ?? i.escalation_level + 1);
      const why = ref.reason ? PAGE_REASON_LABELS[ref.reason] ?? ref.reason : null;
      subject = `Escalated to ${name}: ${sev} ${i.title}`;
      intro = `The incident "${i.title}" was ${ref.automatic ? 'escalated automatically' : 'escalated'} to ${name}${why ? ` (${why})` : ''}.`;
      break;
    }
    case 'note': {
      const note = ref.noteId ? await findNote(db, ref.noteId) : null;
      if (!note) throw new GoneError('the note was deleted');
      const author = i.timeline.find((e) => e.type === 'event' && e.entity_id === note.id);
      const by = author && author.type === 'event' && author.user_name ? author.user_name : 'someone';
      subject = `Internal note: ${i.title}`;
      intro = `${by} wrote an internal note on the ${sev} incident "${i.title}" (internal: not on the status page).`;
      body = note.body;
      break;
    }
    case 'resolved':
      subject = `Resolved: ${i.title}`;
      intro = `The incident "${i.title}" was resolved${i.duration_seconds !== null ? ` after ${formatDuration(i.duration_seconds * 1000)}` : ''}.`;
      body = latestUpdate(i);
      break;
  }
  return {
    ...common,
    subject,
    intro,
    body,
    actions: [{ label: 'Open in the console', url: consoleUrl }],
    urgent: false,
    data: { type: 'stakeholder_update', change: { what: ref.what, from: ref.from ?? null, to: ref.to ?? null, reason: ref.reason ?? null }, incident: incidentData(i, consoleUrl) },
  };
}

/** Header values must be one line. */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

export interface InternalEmail {
  subject: string;
  text: string;
  html: string;
}

/** The email: a plain-text part and the same as HTML (markdown sanitized), with the action as a button. */
export function internalEmail(m: InternalMessage): InternalEmail {
  const subject = oneLine(`[${m.page.name}] ${m.subject}`);
  const width = Math.max(...m.facts.map(([k]) => k.length));
  const text = [
    m.intro,
    '',
    ...(m.body ? [markdownToText(m.body), ''] : []),
    ...m.facts.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`),
    '',
    ...m.actions.map((a) => `${a.label}: ${a.url}`),
    '',
    '--',
    `Internal message from ${m.page.name} (Herald): not sent to public subscribers.`,
    '',
  ].join('\n');
  const [first, ...rest] = m.actions;
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f6f6f6"><div style="max-width:640px;margin:0 auto;padding:24px;background:#fff;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#222">` +
    `<p style="margin:0 0 12px;font-weight:600;color:${m.urgent ? '#a4161a' : '#444'}">${escapeHtml(m.page.name)} · internal</p>` +
    `<h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(m.subject)}</h1>` +
    `<p>${escapeHtml(m.intro)}</p>` +
    (m.body ? `<div>${renderMarkdown(m.body)}</div>` : '') +
    (first ? `<p><a href="${escapeHtml(first.url)}" style="display:inline-block;padding:10px 16px;background:${m.urgent ? '#a4161a' : '#0b57d0'};color:#fff;text-decoration:none;border-radius:4px;font-weight:600">${escapeHtml(first.label)}</a>${rest.map((a) => ` <a href="${escapeHtml(a.url)}" style="margin-left:12px;color:#0b57d0">${escapeHtml(a.label)}</a>`).join('')}</p>` : '') +
    `<table style="border-collapse:collapse;font-size:14px;margin-top:8px">${m.facts.map(([k, v]) => `<tr><th style="text-align:left;padding:3px 12px 3px 0;color:#555;font-weight:600;vertical-align:top">${escapeHtml(k)}</th><td style="padding:3px 0">${escapeHtml(v)}</td></tr>`).join('')}</table>` +
    `<p style="margin:24px 0 0;padding-top:12px;border-top:1px solid #ddd;color:#666;font-size:12px">Internal message from ${escapeHtml(m.page.name)} (Herald): not sent to public subscribers.</p>` +
    `</div></body></html>`;
  return { subject, text, html };
}

/** Slack's mrkdwn treats &, < and > as control characters. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack message: header, the intro, the body, the facts as fields, and link buttons. */
export function internalSlack(m: InternalMessage): SlackMessage {
  const blocks: SlackMessage['blocks'] = [
    { type: 'header', text: { type: 'plain_text', text: m.subject.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: `${m.urgent ? ':rotating_light: ' : ''}${slackEscape(m.intro)}`.slice(0, 3000) } },
  ];
  if (m.body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackEscape(markdownToText(m.body)).slice(0, 3000) } });
  // Slack allows at most 10 fields per section
  for (let n = 0; n < m.facts.length; n += 10) {
    blocks.push({ type: 'section', fields: m.facts.slice(n, n + 10).map(([k, v]) => ({ type: 'mrkdwn' as const, text: `*${slackEscape(k)}*\n${slackEscape(v)}`.slice(0, 2000) })) });
  }
  blocks.push({
    type: 'actions',
    elements: m.actions.slice(0, 5).map((a, n) => ({
      type: 'button' as const,
      text: { type: 'plain_text' as const, text: a.label },
      url: a.url,
      ...(n === 0 && m.urgent ? { style: 'danger' as const } : {}),
    })),
  });
  return { text: `[${m.page.name}] ${m.subject}`, blocks };
}

/** A plain webhook's JSON: a headline for people, the structured facts for programs. */
export function internalWebhook(m: InternalMessage): Record<string, unknown> {
  return { ...m.data, text: m.subject, summary: m.intro, body: m.body, links: m.actions, status_page: { name: m.page.name, url: m.page.base } };
}
