// Subscriber emails: text + HTML bodies from sanitized markdown, threading and RFC 8058 unsubscribe headers; Herald's
// words in the subscriber's language (api/core/i18n), what the lead wrote as written.
import type { AnyIncidentJson, IncidentUpdateJson } from '../public/statuspage-types.ts';
import { markdownToText, renderMarkdown } from '../core/markdown.ts';
import type { MailMessage } from '../core/deps.ts';
import { formatDateTime } from '../core/time-format.ts';
import { escapeHtml } from '../core/html.ts';
import { localeFor, type Locale } from '../core/i18n/locale.ts';

/** What varies per recipient: everything else of a message is composed once per event. */
export interface RecipientLinks {
  /** Manage page: components, unsubscribe. */
  manage: string;
  /** RFC 8058 one-click endpoint for List-Unsubscribe. */
  unsubscribe: string;
  /** Only on confirmation messages. */
  confirm?: string;
}

export interface PageInfo {
  pageName: string;
  /** Public base URL, no trailing slash. */
  base: string;
  timeZone: string;
  /** The language the message is in. */
  loc: Locale;
  /** Its pages' path prefix: "" for the page's default language, "/ja" for Japanese when that is a further one. */
  pages: string;
}

/**
 * A message composed once per event (the markdown rendered and sanitized once), personalized per
 * recipient by `render`, which only joins strings: fan-out to thousands stays cheap.
 */
export interface ComposedEmail {
  subject: string;
  /** The incident whose messages form one thread; null for messages outside any thread. */
  threadOf: string | null;
  /** True for the first message of its thread (it carries the thread's root Message-ID). */
  threadRoot: boolean;
  /** List mail (List-Unsubscribe and friends); false for the confirmation, which is not list mail yet. */
  listMail: boolean;
  render(links: RecipientLinks): { text: string; html: string };
}


/** Header values must be one line: a title with a newline must not add headers. */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();


export type IncidentEmailKind =
  | 'incident_created'
  | 'incident_updated'
  | 'incident_resolved'
  | 'maintenance_scheduled'
  | 'maintenance_started'
  | 'maintenance_updated'
  | 'maintenance_completed'
  | 'maintenance_reminder'
  | 'postmortem_published';

const isMaintenance = (kind: IncidentEmailKind) => kind.startsWith('maintenance_');

function footerText(page: PageInfo, links: RecipientLinks): string {
  const { loc } = page;
  return ['--', loc.t('email.why', { page: page.pageName }), loc.t('email.viewLink', { label: loc.t('email.manage'), url: links.manage })].join('\n');
}

function footerHtml(page: PageInfo, links: RecipientLinks): string {
  const { loc } = page;
  return (
    `<p style="margin:24px 0 0;padding-top:12px;border-top:1px solid #ddd;color:#666;font-size:12px">` +
    `${loc.html('email.why', { page: page.pageName })} ` +
    `<a href="${escapeHtml(links.manage)}" style="color:#666">${loc.html('email.manage')}</a>.</p>`
  );
}

function htmlShell(page: PageInfo, title: string, inner: string): string {
  const { loc } = page;
  return (
    `<!doctype html><html lang="${escapeHtml(loc.tag)}" dir="${loc.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f6f6f6">` +
    `<div style="max-width:600px;margin:0 auto;padding:24px;background:#fff;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#222">` +
    `<p style="margin:0 0 16px;font-weight:600;color:#444">${escapeHtml(page.pageName)}</p>` +
    inner +
    `</div></body></html>`
  );
}

/** A link to one of our public pages in the message's language (external links, a postmortem elsewhere, stay as they are). */
function localizedLink(page: PageInfo, url: string): string {
  return page.pages && url.startsWith(`${page.base}/`) ? `${page.base}${page.pages}${url.slice(page.base.length)}` : url;
}

export interface IncidentEmailInput {
  kind: IncidentEmailKind;
  page: PageInfo;
  incident: AnyIncidentJson;
  /** The update this message is about; null for events without one (a reminder, a postmortem). */
  update: IncidentUpdateJson | null;
  /** The page to link to, when not the incident's (a published postmortem). */
  link?: string;
}

/** Incident and maintenance messages. One subject per incident, so mail clients thread by subject too. */
export function composeIncidentEmail(input: IncidentEmailInput): ComposedEmail {
  const { kind, page, incident, update } = input;
  const { loc } = page;
  const maintenance = isMaintenance(kind);
  const subject = oneLine(loc.t(maintenance ? 'email.subjectMaintenance' : 'email.subject', { page: page.pageName, name: incident.name }));
  const status = loc.status(update?.status ?? incident.status);
  const headline = loc.t('email.headline', { event: loc.t(`email.event.${kind}`), status });
  const link = localizedLink(page, input.link ?? incident.shortlink);
  const linkLabel = loc.t(kind === 'postmortem_published' ? 'email.viewPostmortem' : maintenance ? 'email.viewMaintenance' : 'email.viewIncident');
  const components = incident.components.filter((c) => !c.group).map((c) => c.name);
  const when = update ? formatDateTime(new Date(update.display_at), page.timeZone, loc) : null;
  const window =
    'scheduled_for' in incident && incident.scheduled_for && incident.scheduled_until
      ? loc.t('time.range', {
          start: formatDateTime(new Date(incident.scheduled_for), page.timeZone, loc),
          end: formatDateTime(new Date(incident.scheduled_until), page.timeZone, loc),
        })
      : null;
  const bodyText = update ? markdownToText(update.body) : '';
  const bodyHtml = update ? renderMarkdown(update.body) : '';
  const scheduled = window ? loc.t('email.scheduled', { window }) : null;
  const affected = components.length ? loc.t('email.affected', { components: loc.list(components) }) : null;
  const posted = when ? loc.t('email.posted', { time: when }) : null;

  const textMain = [
    incident.name,
    headline,
    '',
    ...(bodyText ? [bodyText, ''] : []),
    ...[scheduled, affected, posted].filter((x): x is string => x !== null),
    '',
    loc.t('email.viewLink', { label: linkLabel, url: link }),
    '',
  ].join('\n');

  const meta = [scheduled, affected, posted].filter((x): x is string => x !== null).map(escapeHtml);
  // What the lead wrote keeps its own direction inside a right-to-left message (and the other way round).
  const htmlMain =
    `<h1 dir="auto" style="font-size:20px;margin:0 0 4px">${escapeHtml(incident.name)}</h1>` +
    `<p style="margin:0 0 16px;color:#555">${escapeHtml(headline)}</p>` +
    (bodyHtml ? `<div dir="auto">${bodyHtml}</div>` : '') +
    (meta.length ? `<p style="color:#555;font-size:13px">${meta.join('<br>')}</p>` : '') +
    `<p><a href="${escapeHtml(link)}" style="color:#0b57d0">${escapeHtml(linkLabel)}</a></p>`;

  return {
    subject,
    threadOf: incident.id,
    threadRoot: kind === 'incident_created' || kind === 'maintenance_scheduled',
    listMail: true,
    render(links) {
      return {
        text: `${textMain}\n${footerText(page, links)}\n`,
        html: htmlShell(page, subject, htmlMain + footerHtml(page, links)),
      };
    },
  };
}

/** The double opt-in message: one link, nothing else is sent until it is followed. */
export function composeConfirmationEmail(page: PageInfo, componentNames: string[], ttlHours: number): ComposedEmail {
  const { loc } = page;
  const subject = oneLine(loc.t('email.confirm.subject', { page: page.pageName }));
  const scope = componentNames.length ? loc.t('email.confirm.scopeSome', { components: loc.list(componentNames) }) : loc.t('email.confirm.scopeAll');
  const asked = loc.t('email.confirm.asked', { page: page.pageName, scope });
  const ignore = loc.t('email.confirm.ignore');
  return {
    subject,
    threadOf: null,
    threadRoot: false,
    listMail: false,
    render(links) {
      const confirm = links.confirm ?? links.manage;
      const text = [asked, '', loc.t('email.confirm.open', { hours: ttlHours }), confirm, '', ignore, ''].join('\n');
      const html = htmlShell(
        page,
        subject,
        `<h1 style="font-size:20px;margin:0 0 16px">${loc.html('email.confirm.title')}</h1>` +
          `<p>${escapeHtml(asked)}</p>` +
          `<p><a href="${escapeHtml(confirm)}" style="display:inline-block;padding:10px 16px;background:#0b57d0;color:#fff;text-decoration:none;border-radius:4px">${loc.html('email.confirm.button')}</a></p>` +
          `<p style="color:#555;font-size:13px">${loc.html('email.confirm.works', { hours: ttlHours })} ${escapeHtml(ignore)}</p>`,
      );
      return { text, html };
    },
  };
}

/**
 * The password reset email to a Herald user (not list mail): one link, and what to do when they did not ask.
 * `link` is null in a preview for someone who may not see it (only owners read reset links in the delivery log).
 * In English, as the console is: it is about a console account, not the public page.
 */
export function passwordResetMessage(page: Pick<PageInfo, 'pageName' | 'base' | 'timeZone'>, to: { name: string; email: string }, link: string | null, linkId: string, ttlMinutes: number): MailMessage {
  const subject = oneLine(`Reset your password for ${page.pageName}`);
  const shown = link ?? '(the link is shown to owners only)';
  const text = [
    `Hello ${to.name},`,
    '',
    `Someone (we hope you) asked to reset the password of your ${page.pageName} console account (${to.email}).`,
    '',
    `To choose a new password, open this link within ${ttlMinutes} minutes. It works once:`,
    shown,
    '',
    'Setting a new password signs you out everywhere else. If you did not ask for this, ignore this message: your password stays as it is.',
    '',
  ].join('\n');
  const button = link
    ? `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 16px;background:#0b57d0;color:#fff;text-decoration:none;border-radius:4px">Choose a new password</a></p>`
    : `<p>${escapeHtml(shown)}</p>`;
  const html = htmlShell(
    { ...page, loc: localeFor('en'), pages: '' },
    subject,
    `<h1 style="font-size:20px;margin:0 0 16px">Reset your password</h1>` +
      `<p>Hello ${escapeHtml(to.name)},</p>` +
      `<p>Someone (we hope you) asked to reset the password of your ${escapeHtml(page.pageName)} console account (${escapeHtml(to.email)}).</p>` +
      button +
      `<p style="color:#555;font-size:13px">The link works for ${ttlMinutes} minutes, once. Setting a new password signs you out everywhere else. If you did not ask for this, ignore this message: your password stays as it is.</p>`,
  );
  return { to: to.email, subject, text, html, messageId: `reset.${linkId}@${messageIdHost(page.base)}`, headers: { 'Auto-Submitted': 'auto-generated' } };
}

export interface Recipient {
  eventId: string;
  subscriberId: string;
  email: string;
  links: RecipientLinks;
}

/** The mail host for Message-IDs: the public URL's host name. */
export function messageIdHost(base: string): string {
  try {
    return new URL(base).hostname || 'herald.invalid';
  } catch {
    return 'herald.invalid';
  }
}

/** Message-IDs are stable per (event, recipient): a retried message keeps its id, so an MTA can drop a duplicate. */
export function personalize(email: ComposedEmail, page: PageInfo, r: Recipient): MailMessage {
  const host = messageIdHost(page.base);
  const root = email.threadOf ? `incident.${email.threadOf}.${r.subscriberId}@${host}` : null;
  const messageId = root && email.threadRoot ? root : `event.${r.eventId}.${r.subscriberId}@${host}`;
  const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
  if (root && !email.threadRoot) {
    headers['In-Reply-To'] = `<${root}>`;
    headers['References'] = `<${root}>`;
  }
  if (email.listMail) {
    headers['List-Id'] = `${oneLine(page.pageName).replace(/[<>"]/g, '')} status <status.${host}>`;
    headers['List-Unsubscribe'] = `<${r.links.unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    headers['Precedence'] = 'bulk';
  }
  const { text, html } = email.render(r.links);
  return { to: r.email, subject: email.subject, text, html, messageId, headers };
}
