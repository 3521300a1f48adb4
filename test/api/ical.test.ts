// /maintenance.ics parsed with a real iCalendar parser (node-ical): one VEVENT per maintenance window, stable UIDs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ical, { type VEvent } from 'node-ical';
import { json, makeTestApp, PUBLIC_URL, userWithSession, type TestApp, type TestUser } from '../support/app.ts';

const HOUR = 3_600_000;
let t: TestApp;
let publisher: TestUser;

beforeEach(async () => {
  t = await makeTestApp({ memory: true });
  publisher = await userWithSession(t, 'publisher');
});
afterEach(() => t.close());

async function schedule(title: string, fromH: number, untilH: number, message: string, components: string[] = []): Promise<string> {
  const now = t.clock.now().getTime();
  const res = await t.app.request(
    '/api/v1/maintenances',
    json(
      'POST',
      { title, message, components, scheduled_for: new Date(now + fromH * HOUR).toISOString(), scheduled_until: new Date(now + untilH * HOUR).toISOString() },
      publisher.headers,
    ),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function events(): Promise<VEvent[]> {
  const res = await t.app.request('/maintenance.ics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
  const parsed = ical.sync.parseICS(await res.text());
  return Object.values(parsed).filter((c): c is VEvent => !!c && typeof c === 'object' && 'type' in c && c.type === 'VEVENT');
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' && 'val' in v ? String((v as { val: unknown }).val) : '');

describe('/maintenance.ics', () => {
  it('holds every public maintenance window with summary, description, URL and status', async () => {
    const comp = await t.app.request('/api/v1/components', json('POST', { name: 'Database' }, publisher.headers));
    const componentId = ((await comp.json()) as { id: string }).id;
    const a = await schedule('Database upgrade', 2, 4, 'We upgrade **Postgres**.', [componentId]);
    const b = await schedule('Network, "quoted"; with, commas', 24, 25.5, 'Line one.\nLine two.');

    const list = await events();
    expect(list).toHaveLength(2);
    const byUid = new Map(list.map((e) => [e.uid, e]));
    const host = new URL(PUBLIC_URL).host;
    const ea = byUid.get(`maintenance-${a}@${host}`);
    const eb = byUid.get(`maintenance-${b}@${host}`);
    expect(ea).toBeDefined();
    expect(eb).toBeDefined();
    const now = t.clock.now().getTime();
    expect(ea?.start.getTime()).toBe(now + 2 * HOUR);
    expect(ea?.end?.getTime()).toBe(now + 4 * HOUR);
    expect(eb?.start.getTime()).toBe(now + 24 * HOUR);
    expect(eb?.end?.getTime()).toBe(now + 25.5 * HOUR);
    expect(text(ea?.summary)).toBe('Maintenance: Database upgrade');
    expect(text(eb?.summary)).toBe('Maintenance: Network, "quoted"; with, commas');
    expect(text(ea?.description)).toContain('We upgrade Postgres.');
    expect(text(ea?.description)).toContain('Affected: Database');
    expect(text(ea?.url)).toBe(`${PUBLIC_URL}/incidents/${a}`);
    expect(ea?.status).toBe('CONFIRMED');
  });

  it('keeps UIDs stable and moves the window when it is rescheduled', async () => {
    const id = await schedule('Reboot', 1, 2, 'x');
    const [before] = await events();
    t.clock.advance(60_000);
    const later = new Date(t.clock.now().getTime() + 5 * HOUR).toISOString();
    const until = new Date(t.clock.now().getTime() + 6 * HOUR).toISOString();
    const res = await t.app.request(`/api/v1/maintenances/${id}`, json('PATCH', { scheduled_for: later, scheduled_until: until }, publisher.headers));
    expect(res.status).toBe(200);
    const [after] = await events();
    expect(after?.uid).toBe(before?.uid);
    expect(after?.start.toISOString()).toBe(later);
    expect(after?.end?.toISOString()).toBe(until);
    expect(Number(after?.sequence)).toBeGreaterThan(Number(before?.sequence));
  });

  it('is an empty but valid calendar without maintenance', async () => {
    const res = await t.app.request('/maintenance.ics');
    const body = await res.text();
    expect(body).toContain('BEGIN:VCALENDAR');
    expect(await events()).toHaveLength(0);
  });
});

describe('/<lang>/maintenance.ics', () => {
  it('describes each window in the page language, with the same UIDs and links to the language’s pages', async () => {
    const owner = await userWithSession(t, 'owner');
    expect((await t.app.request('/api/v1/settings', json('PATCH', { languages: ['fr'] }, owner.headers))).status).toBe(200);
    const comp = await t.app.request('/api/v1/components', json('POST', { name: 'Database' }, publisher.headers));
    const componentId = ((await comp.json()) as { id: string }).id;
    const a = await schedule('Database upgrade', 2, 4, 'We upgrade **Postgres**.', [componentId]);
    const res = await t.app.request('/fr/maintenance.ics');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('X-WR-CALNAME:Maintenances de Herald');
    expect(body).toContain('PRODID:-//Herald//status page//FR');
    const [event] = Object.values(ical.sync.parseICS(body)).filter((c): c is VEvent => !!c && typeof c === 'object' && 'type' in c && c.type === 'VEVENT');
    expect(event?.uid).toBe(`maintenance-${a}@${new URL(PUBLIC_URL).host}`);
    expect(text(event?.summary)).toBe('Maintenance\u00a0: Database upgrade');
    expect(text(event?.description)).toContain('État\u00a0: Planifiée');
    expect(text(event?.description)).toContain('Composants concernés\u00a0: Database');
    expect(text(event?.description)).toContain('We upgrade Postgres.');
    expect(text(event?.url)).toBe(`${PUBLIC_URL}/fr/incidents/${a}`);
    expect((await t.app.request('/ja/maintenance.ics')).headers.get('location')).toBe('/maintenance.ics');
  });
});
