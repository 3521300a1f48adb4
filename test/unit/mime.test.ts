// The MIME text Herald builds for a subscriber's email (api/notify/mailer.ts buildMime), read back by mailparser
// the way a mail client reads it: every header and both bodies intact, in any language.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMime } from '../../api/notify/mailer.ts';
import type { MailMessage } from '../../api/core/deps.ts';

const message = (over: Partial<MailMessage> = {}): MailMessage => ({
  to: 'reader@example.com',
  subject: 'Elevated error rates: Investigating',
  text: 'We are investigating.\nManage: https://status.example.com/subscriptions/manage?token=abc=def',
  html: '<p>We are <strong>investigating</strong>.</p>\n<a href="https://status.example.com/subscriptions/manage?token=abc=def">Manage</a>',
  messageId: 'event.e1.s1@status.example.com',
  headers: { 'List-Unsubscribe': '<https://status.example.com/u?t=1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'In-Reply-To': '<incident.i1.s1@status.example.com>' },
  ...over,
});

const at = new Date(Date.UTC(2026, 11, 2, 12, 30));

describe('buildMime', () => {
  it('carries every header and both bodies as mailparser reads them', async () => {
    const raw = buildMime({ header: 'Status <status@example.com>' }, message(), at)!;
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    const mail = await simpleParser(raw);
    expect(mail.from?.value).toEqual([{ name: 'Status', address: 'status@example.com' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null).toBe('reader@example.com');
    expect(mail.subject).toBe('Elevated error rates: Investigating');
    expect(mail.messageId).toBe('<event.e1.s1@status.example.com>');
    expect(mail.inReplyTo).toBe('<incident.i1.s1@status.example.com>');
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe('List-Unsubscribe: <https://status.example.com/u?t=1>');
    expect(mail.date?.toISOString()).toBe(at.toISOString());
    expect(mail.text?.trim()).toBe(message().text);
    expect(mail.html).toContain('href="https://status.example.com/subscriptions/manage?token=abc=def"');
  });

  it('encodes a subject and a list name outside ASCII, long or short, without breaking a character', async () => {
    const subject = '障害が発生しています：API の応答が遅延しています（調査中）'.repeat(3);
    const raw = buildMime({ header: 'Status <status@example.com>' }, message({ subject, headers: { 'List-Id': 'ステータス status <status.example.com>' }, text: '日本語の本文\n二行目' }), at)!;
    expect(raw.split('\r\n').every((line) => line.length <= 78 || !line.includes('=?UTF-8?'))).toBe(true);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(subject);
    // The list's name as encoded words, its id as it is.
    const listId = /^List-Id: =\?UTF-8\?B\?([^?]+)\?= <status\.example\.com>$/.exec(mail.headerLines.find((h) => h.key === 'list-id')?.line ?? '');
    expect(Buffer.from(listId?.[1] ?? '', 'base64').toString()).toBe('ステータス status');
    expect(mail.text?.trim()).toBe('日本語の本文\n二行目');
  });

  it('wraps long bodies in base64 lines of at most 76 characters that decode to the text', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `Zeile ${i}: Störung behoben — 障害は解消されました.`).join('\n');
    const raw = buildMime({ header: 'status@example.com' }, message({ text, html: `<p>${text}</p>` }), at)!;
    const bodyLines = raw.split('\r\n').filter((line) => /^[A-Za-z0-9+/=]{20,}$/.test(line));
    expect(bodyLines.length).toBeGreaterThan(20);
    expect(bodyLines.every((line) => line.length <= 76)).toBe(true);
    const mail = await simpleParser(raw);
    expect(mail.text?.trim()).toBe(text);
    expect(mail.html).toContain('障害は解消されました.');
  });

  it('keeps header injection out: a line break in a value stays in that header', async () => {
    const raw = buildMime({ header: 'Status <status@example.com>' }, message({ subject: 'Down\r\nBcc: victim@example.com' }), at)!;
    const mail = await simpleParser(raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.subject).toBe('Down Bcc: victim@example.com');
  });

  it('leaves an address it cannot write plainly to nodemailer', () => {
    expect(buildMime({ header: 'status@example.com' }, message({ to: 'José <jose@example.com>' }), at)).toBeNull();
    expect(buildMime({ header: 'status@example.com' }, message({ to: 'josé@example.com' }), at)).toBeNull();
  });
});
