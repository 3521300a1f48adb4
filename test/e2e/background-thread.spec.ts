// The background thread (api/server/background-thread.ts, bundled into dist/server/background-worker.mjs) runs the
// scheduler's jobs as well as delivery: started on its own against a database, with no server around it, it publishes
// a scheduled update whose time has come and sends the subscribers' email about it.
import { expect, test } from '@playwright/test';
import { startBackgroundThread, backgroundWorkerFile } from '../../api/server/background-thread.ts';
import { readConfig } from '../../api/server/config.ts';
import { newId } from '../../api/core/ids.ts';
import { subscribers } from '../../db/schema.ts';
import { caller, makeTestApp, userWithSession, type TestApp } from '../support/app.ts';
import { startMailSink } from '../support/mail-sink.ts';
import { ROOT } from './herald-process.ts';

test('publishes a scheduled update whose time has come, and delivers its email', async () => {
  const t: TestApp = await makeTestApp();
  const sink = await startMailSink();
  try {
    const publisher = await userWithSession(t, 'publisher');
    const call = caller(() => t, () => publisher.headers);
    // The test app's clock stands still at its own start; the thread runs on the real time, later than any of it.
    const now = t.clock.now();
    await t.database.db.insert(subscribers).values({ id: newId(), kind: 'email', email: 'reader@example.com', state: 'confirmed', allComponents: true, createdAt: now, updatedAt: now, confirmedAt: now });
    const opened = await call('POST', '/api/v1/incidents', { title: 'Slow checkout', severity: 'P2', message: 'Looking.' });
    const scheduled = await call('POST', `/api/v1/incidents/${opened.body.id}/updates`, { status: 'monitoring', message: 'A fix is rolling out.', publish_at: new Date(now.getTime() + 10 * 60_000).toISOString() });
    expect(scheduled.body.state).toBe('scheduled');

    const file = (await t.database.client.execute('PRAGMA database_list')).rows.find((r) => r.name === 'main')?.file;
    const config = readConfig({ DATABASE_URL: `file:${String(file)}`, SMTP_URL: sink.url, PUBLIC_URL: 'http://127.0.0.1:4321' });
    const lines: string[] = [];
    const thread = startBackgroundThread(config, (line) => lines.push(line), backgroundWorkerFile(ROOT));
    try {
      await expect.poll(async () => (await call('GET', `/api/v1/incidents/${opened.body.id}`)).body.updates?.find((u: { id: string }) => u.id === scheduled.body.id)?.state).toBe('published');
      await expect.poll(async () => (await sink.to('reader@example.com')).some((m) => (m.text ?? '').includes('A fix is rolling out.'))).toBe(true);
    } finally {
      await thread.stop();
    }
    expect(lines.filter((l) => l.startsWith('scheduler:'))).toEqual([]);
  } finally {
    await sink.close();
    t.close();
  }
});
