// `npm run export -- <dir>`: served by a plain static file server, the exported home page, incident pages,
// history and feeds load, and every internal link on them resolves.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { api, expect, test } from './fixtures.ts';
import { ROOT } from './herald-process.ts';
import { serveFolder } from './static-server.ts';

const outDir = mkdtempSync(join(tmpdir(), 'herald-export-'));
let site: Awaited<ReturnType<typeof serveFolder>> | null = null;

const running = new Set<ChildProcess>();

test.afterAll(async () => {
  // An export still running when the test gave up (its timeout) goes with it.
  for (const child of running) child.kill('SIGKILL');
  await site?.close();
  rmSync(outDir, { recursive: true, force: true });
});

/**
 * `node --import tsx api/cli/export.ts <dir>` without blocking this worker: spawnSync would freeze its event loop
 * (and with it the keep-alive sockets to the server) for the whole export.
 */
function runExport(dir: string, env: Record<string, string | undefined>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/cli/export.ts', dir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (err) => {
      running.delete(child);
      reject(err);
    });
    child.once('close', (status) => {
      running.delete(child);
      resolve({ status, stdout, stderr });
    });
  });
}

test('the exported site works from a static file server', async ({ herald, owner, page }) => {
  // A further language: its pages and feeds are exported beside the default language's.
  await api(herald, owner, 'PATCH', '/api/v1/settings', { languages: ['de'] });
  const component = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/components', { name: 'Payments API' });
  const active = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', {
    title: 'Card payments are declined',
    severity: 'P1',
    status: 'investigating',
    message: 'Card payments fail for **some** customers.',
    components: { [component.id]: 'major_outage' },
  });
  await api(herald, owner, 'POST', `/api/v1/incidents/${active.id}/updates`, { status: 'identified', message: 'A certificate expired at the processor.' });
  const old = await api<{ id: string }>(herald, owner, 'POST', '/api/v1/incidents', { title: 'Slow dashboard', severity: 'P3', message: 'Dashboards load slowly.' });
  await api(herald, owner, 'POST', `/api/v1/incidents/${old.id}/updates`, { status: 'resolved', message: 'Fixed.' });

  const run = await runExport(join(outDir, 'site'), { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: herald.databaseUrl, PUBLIC_URL: herald.baseURL, HERALD_BUILD: 'skip' });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/exported \d+ documents/);
  const root = join(outDir, 'site');
  for (const file of ['index.html', 'history/index.html', `incidents/${active.id}/index.html`, `incidents/${old.id}/index.html`, 'history.rss', 'history.atom', 'api/v2/summary.json', 'api/v2/incidents/unresolved.json', '404.html', `components/${component.id}/history.rss`]) {
    expect(existsSync(join(root, file)), file).toBe(true);
  }
  for (const file of ['de/index.html', 'de/history/index.html', `de/incidents/${active.id}/index.html`, 'de/history.rss', 'de/maintenance.ics', `de/components/${component.id}/history.atom`]) {
    expect(existsSync(join(root, file)), file).toBe(true);
  }
  expect(readFileSync(join(root, '404.html'), 'utf8')).toContain('Page not found');
  expect(readFileSync(join(root, 'api/v2/incidents/unresolved.json'), 'utf8')).toBe(await (await fetch(`${herald.baseURL}/api/v2/incidents/unresolved.json`)).text());

  site = await serveFolder(root);
  const base = site.baseURL;

  await page.goto(`${base}/`);
  await expect(page.getByText('Card payments are declined').first()).toBeVisible();
  // Styles arrived: the page is not unstyled HTML.
  const sheets = await page.evaluate(() => document.styleSheets.length);
  expect(sheets).toBeGreaterThan(0);

  await page.getByRole('link', { name: 'Card payments are declined' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${active.id}/`));
  await expect(page.getByText('A certificate expired at the processor.')).toBeVisible();

  // Every internal link and asset on these pages resolves on the static host.
  const checked = new Set<string>();
  for (const path of ['/', '/history/', `/incidents/${active.id}/`, `/incidents/${old.id}/`, '/de/', `/de/incidents/${active.id}/`]) {
    await page.goto(base + path);
    const urls = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLAnchorElement | HTMLLinkElement>('a[href], link[href]')]
        .filter((el) => !/\b(canonical|alternate)\b/.test(el.getAttribute('rel') ?? ''))
        .map((el) => el.href),
    );
    for (const url of urls) {
      const u = new URL(url);
      if (u.origin !== base || checked.has(u.pathname)) continue;
      checked.add(u.pathname);
      const res = await fetch(u.origin + u.pathname);
      expect(res.status, `${url} linked from ${path}`).toBe(200);
    }
  }
  expect(checked.size).toBeGreaterThan(5);
  await page.goto(`${base}/de/`);
  await expect(page.getByRole('heading', { level: 2, name: 'Aktuelle Störungen' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Sprache' }).getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Active incidents' })).toBeVisible();

  const parser = new Parser();
  const rss = await parser.parseString(await (await fetch(`${base}/history.rss`)).text());
  expect(rss.items.map((i) => i.title)).toContain('Card payments are declined');
  const atom = await parser.parseString(await (await fetch(`${base}/history.atom`)).text());
  expect(atom.items.length).toBeGreaterThanOrEqual(2);
  const summary = (await (await fetch(`${base}/api/v2/summary.json`)).json()) as { incidents: { name: string }[] };
  expect(summary.incidents.map((i) => i.name)).toContain('Card payments are declined');

  // The export can run again into its own folder, and refuses a folder that is not one.
  const again = await runExport(root, { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: herald.databaseUrl, PUBLIC_URL: herald.baseURL, HERALD_BUILD: 'skip' });
  expect(again.status, again.stderr).toBe(0);
  const foreign = join(outDir, 'not-an-export');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'keep.txt'), 'someone else\'s file');
  const refused = await runExport(foreign, { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: herald.databaseUrl, HERALD_BUILD: 'skip' });
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toMatch(/not empty/);
  expect(readFileSync(join(foreign, 'keep.txt'), 'utf8')).toBe("someone else's file");
});
