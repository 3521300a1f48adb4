// Notification building blocks: Standard Webhooks signing (the spec's vector), signed links, CSV cells, headers, backoff.
import { describe, expect, it } from 'vitest';
import { composeIncidentEmail, personalize } from '../../api/notify/email-templates.ts';
import { backoffMs, DEFAULT_DELIVERY_OPTIONS } from '../../api/notify/deliver.ts';
import { kindForUpdate } from '../../api/notify/enqueue.ts';
import { maskEmail } from '../../api/notify/subscriber-routes.ts';
import { csvCell } from '../../api/core/csv.ts';
import { CONFIRM_TTL_MS, signLinkToken, verifyLinkToken } from '../../api/notify/subscription-links.ts';
import type { AnyIncidentJson } from '../../api/public/statuspage-types.ts';
import { localeFor } from '../../api/core/i18n/locale.ts';
import { signWebhook } from '../../api/notify/webhook-transport.ts';
import type { IncidentRow, UpdateRow } from '../../api/incidents/incident-store.ts';

describe('Standard Webhooks signature', () => {
  it('matches the specification example', () => {
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });
});

describe('signed subscription links', () => {
  const key = Buffer.alloc(32, 7);
  const now = new Date(Date.UTC(2026, 0, 1));

  it('verify for their purpose only, refuse tampering, and confirm links expire', () => {
    const confirm = signLinkToken(key, 'confirm', 'sub1', now);
    expect(verifyLinkToken(key, 'confirm', confirm, now)).toEqual({ ok: true, subscriberId: 'sub1' });
    expect(verifyLinkToken(key, 'manage', confirm, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLinkToken(key, 'confirm', confirm.replace('sub1', 'sub2'), now)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLinkToken(Buffer.alloc(32, 8), 'confirm', confirm, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLinkToken(key, 'confirm', confirm, new Date(now.getTime() + CONFIRM_TTL_MS))).toEqual({ ok: false, reason: 'expired' });
    const manage = signLinkToken(key, 'manage', 'sub1', now);
    expect(verifyLinkToken(key, 'manage', manage, new Date(now.getTime() + 365 * 86_400_000))).toEqual({ ok: true, subscriberId: 'sub1' });
    expect(verifyLinkToken(key, 'manage', 'garbage', now).ok).toBe(false);
  });
});

describe('CSV and audit helpers', () => {
  it('quotes and defuses spreadsheet formulas', () => {
    expect(csvCell('plain@example.com')).toBe('plain@example.com');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('-1')).toBe("'-1");
    expect(maskEmail('ada@example.com')).toBe('a•••@example.com');
  });
});

describe('email headers', () => {
  it('keep a title with line breaks on one header line, and thread on the incident', () => {
    const incident = {
      id: 'inc1',
      name: 'Bad\r\nBcc: victim@example.com',
      status: 'investigating',
      shortlink: 'https://status.example.com/incidents/inc1',
      components: [],
      incident_updates: [],
    } as unknown as AnyIncidentJson;
    const page = { pageName: 'Acme', base: 'https://status.example.com', timeZone: 'Etc/UTC', loc: localeFor('en'), pages: '' };
    const email = composeIncidentEmail({ kind: 'incident_updated', page, incident, update: null });
    const links = { manage: 'https://status.example.com/m', unsubscribe: 'https://status.example.com/u' };
    const m = personalize(email, page, { eventId: 'ev1', subscriberId: 'sub1', email: 'a@example.com', links });
    expect(m.subject).toBe('[Acme] Bad Bcc: victim@example.com');
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.messageId).toBe('event.ev1.sub1@status.example.com');
    expect(m.headers['In-Reply-To']).toBe('<incident.inc1.sub1@status.example.com>');
    expect(m.headers['List-Unsubscribe']).toBe('<https://status.example.com/u>');
    expect(m.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });
});

describe('delivery policy', () => {
  it('doubles the wait after each failure, up to the cap', () => {
    const o = DEFAULT_DELIVERY_OPTIONS;
    expect([1, 2, 3].map((n) => backoffMs(n, o))).toEqual([o.baseBackoffMs, 2 * o.baseBackoffMs, 4 * o.baseBackoffMs]);
    expect(backoffMs(40, o)).toBe(o.maxBackoffMs);
  });

  it('names the message for each published update', () => {
    const inc = (kind: 'incident' | 'maintenance') => ({ kind }) as IncidentRow;
    const upd = (status: string) => ({ status }) as UpdateRow;
    expect(kindForUpdate({ incident: inc('incident'), update: upd('investigating'), firstPublish: true })).toBe('incident_created');
    expect(kindForUpdate({ incident: inc('incident'), update: upd('identified'), firstPublish: false })).toBe('incident_updated');
    expect(kindForUpdate({ incident: inc('incident'), update: upd('resolved'), firstPublish: false })).toBe('incident_resolved');
    expect(kindForUpdate({ incident: inc('maintenance'), update: upd('scheduled'), firstPublish: true })).toBe('maintenance_scheduled');
    expect(kindForUpdate({ incident: inc('maintenance'), update: upd('scheduled'), firstPublish: false })).toBe('maintenance_updated');
    expect(kindForUpdate({ incident: inc('maintenance'), update: upd('in_progress'), firstPublish: false })).toBe('maintenance_started');
    expect(kindForUpdate({ incident: inc('maintenance'), update: upd('verifying'), firstPublish: false })).toBe('maintenance_updated');
    expect(kindForUpdate({ incident: inc('maintenance'), update: upd('completed'), firstPublish: false })).toBe('maintenance_completed');
  });
});
