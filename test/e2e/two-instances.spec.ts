// Two server processes on one `file:` database: an update published through one is on the other's
// page and /api/v2 JSON within one second (the content version invalidates every instance's cache).
import { createOwner, expect, test } from './fixtures.ts';
import { startHerald, type HeraldProcess } from './herald-process.ts';

let second: HeraldProcess | null = null;

test.afterAll(async () => {
  await second?.stop();
});

/** Polls `probe` every 25 ms for at most `ms`; returns how long it took, or null. Bounded by design. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number | null> {
  const started = Date.now();
  for (let i = 0; i < Math.ceil(ms / 25) + 1; i++) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > ms) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

test('an update published through one instance shows on the other within one second', async ({ herald }) => {
  // The owner first: a server starting on a database without users issues a new setup link, retiring older ones.
  const owner = await createOwner(herald);
  second = await startHerald({ databaseUrl: herald.databaseUrl });
  const call = async (path: string, body: unknown) => {
    const res = await fetch(herald.baseURL + path, {
      method: 'POST',
      headers: { authorization: owner.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string };
  };

  const incident = await call('/api/v1/incidents', { title: 'Search is slow', severity: 'P3', status: 'investigating', message: 'Looking into it.' });

  // Warm the second instance's cache, so that a stale copy would be what it serves.
  const b = second.baseURL;
  await expect.poll(async () => (await fetch(`${b}/api/v2/incidents/unresolved.json`)).text(), { timeout: 2000 }).toContain('Search is slow');
  await fetch(`${b}/`);

  const message = `Cause found: a missing index ${Date.now()}`;
  await call(`/api/v1/incidents/${incident.id}/updates`, { status: 'identified', message });
  const published = Date.now();

  const jsonDelay = await within(1000, async () => (await (await fetch(`${b}/api/v2/incidents/unresolved.json`)).text()).includes(message));
  const pageDelay = await within(Math.max(0, 1000 - (Date.now() - published)), async () => (await (await fetch(`${b}/`)).text()).includes('missing index'));
  const total = Date.now() - published;
  expect(jsonDelay, 'the update is in the other instance\'s /api/v2 JSON within one second').not.toBeNull();
  expect(pageDelay, 'the update is on the other instance\'s home page within one second').not.toBeNull();
  expect(total).toBeLessThanOrEqual(1000);

  const summary = (await (await fetch(`${b}/api/v2/incidents/unresolved.json`)).json()) as { incidents: { id: string; status: string }[] };
  expect(summary.incidents.find((i) => i.id === incident.id)?.status).toBe('identified');
});
