// `npm run bench`: (a) cached GET / and /api/v2/summary.json against a bare node:http ceiling, same run;
// (b) uncached renders of / and /history on 10,000 incidents vs an empty database, and the database size;
// (c) the home page's HTML + CSS weight in every shipped language (the budget holds for the longest) and whether it
// needs JavaScript. Prints PASS/FAIL per target.
// (d) email fan-out to 10,000 subscribers through the outbox vs a bare pooled nodemailer loop (test/bench/fanout.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openMigratedDatabase } from '../../db/client.ts';
import { ensureBuilt } from '../../api/server/build.ts';
import { freePort, ROOT, startHerald } from '../e2e/herald-process.ts';
import { seedDemo } from '../support/seed-demo.ts';
import { seedHistory } from './seed-history.ts';
import { fanoutBench } from './fanout.ts';
import type { RenderResult } from './render-times.ts';
import { loadAstroHandler } from '../../api/server/astro-render.ts';
import { entryFile } from '../../api/server/build.ts';
import { readConfig } from '../../api/server/config.ts';
import { createPublicRenderer } from '../../api/server/public-render.ts';
import { createRuntime } from '../../api/server/runtime.ts';
import { DEFAULT_LANGUAGE, LANGUAGE_TAGS } from '../../api/core/i18n/locale.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const DURATION = option('duration', 6);
const CONNECTIONS = option('connections', 100);
const INCIDENTS = option('incidents', 10_000);
const UPDATES_PER_INCIDENT = option('updates', 10);
const COMPONENTS = option('components', 50);
/** The history's span: 10,000 incidents over 10 years is about 38 in the home page's last 14 days. */
const YEARS = option('years', 10);

const results: { target: string; value: string; pass: boolean }[] = [];
const verdict = (target: string, value: string, pass: boolean) => {
  results.push({ target, value, pass });
  console.log(`${pass ? 'PASS' : 'FAIL'}  ${target}: ${value}`);
};
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Load {
  rps: number;
  p99: number;
  errors: number;
}

async function load(url: string, duration: number): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration, pipelining: 1 });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

async function waitForLine(child: ChildProcess, line: string, ms: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${line}" within ${ms} ms`)), ms);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => reject(new Error('exited early')));
  });
}

async function throughput(work: string): Promise<void> {
  console.log(`\n(a) throughput from the cache: autocannon -c ${CONNECTIONS} -d ${DURATION}, one server at a time`);
  const dbFile = join(work, 'load.db');
  const seeded = await openMigratedDatabase(`file:${dbFile}`);
  await seedDemo(seeded.db);
  seeded.close();

  const herald = await startHerald({ databaseUrl: `file:${dbFile}`, discardOutput: true });
  const paths = ['/', '/api/v2/summary.json'];
  const pages: Record<string, { headers: Record<string, string>; body: string }> = {};
  for (const path of paths) {
    const res = await fetch(herald.baseURL + path, { headers: { 'accept-encoding': 'identity' } });
    const body = Buffer.from(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'etag', 'cache-control', 'vary', 'access-control-allow-origin']) {
      const v = res.headers.get(name);
      if (v) headers[name] = v;
    }
    headers['content-length'] = String(body.length);
    pages[path] = { headers, body: body.toString('base64') };
    console.log(`  ${path}: ${res.status}, ${kb(body.length)}`);
  }
  const pagesFile = join(work, 'pages.json');
  writeFileSync(pagesFile, JSON.stringify(pages));
  const port = await freePort();
  const baseline = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/baseline-server.ts'), String(port), pagesFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await waitForLine(baseline, 'ready', 20_000);
    const bare = `http://127.0.0.1:${port}`;
    for (const path of paths) {
      // Warm both (JIT, connection pools), then alternate short runs (A B B A ...) so that a neighbour's load
      // on this shared machine falls on both sides alike; each server runs alone while measured.
      await load(bare + path, 1);
      await load(herald.baseURL + path, 1);
      const rounds = Math.max(2, Math.round(DURATION / 2));
      const each = Math.max(1, Math.round(DURATION / rounds));
      const runs: { bare: Load[]; herald: Load[] } = { bare: [], herald: [] };
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (['bare', 'herald'] as const) : (['herald', 'bare'] as const);
        for (const which of order) runs[which].push(await load((which === 'bare' ? bare : herald.baseURL) + path, each));
      }
      const sum = (xs: Load[]): Load => ({
        rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length,
        p99: median(xs.map((x) => x.p99)),
        errors: xs.reduce((a, x) => a + x.errors, 0),
      });
      const b = sum(runs.bare);
      const h = sum(runs.herald);
      const rpsRatio = h.rps / b.rps;
      const p99Ratio = h.p99 / Math.max(1, b.p99);
      console.log(`  GET ${path} (${rounds} alternating rounds of ${each} s each)`);
      console.log(`    bare node:http  ${b.rps.toFixed(0).padStart(7)} req/s   p99 ${b.p99} ms   errors ${b.errors}`);
      console.log(`    Herald          ${h.rps.toFixed(0).padStart(7)} req/s   p99 ${h.p99} ms   errors ${h.errors}`);
      verdict(`GET ${path} req/s ratio ≥ 0.70`, rpsRatio.toFixed(2), rpsRatio >= 0.7 && h.errors === 0);
      verdict(`GET ${path} p99 ratio ≤ 1.5`, p99Ratio.toFixed(2), p99Ratio <= 1.5);
    }
  } finally {
    baseline.kill('SIGTERM');
    await herald.stop();
  }
}

/**
 * Runs test/bench/render-times.ts in a child process and reads its JSON line. `--single-threaded`: V8's
 * garbage collector and compiler then work on the main thread, within the render that needs them, instead of on
 * helper threads whose CPU time lands on whichever render is being timed (CPU above wall time, ±40% run to run).
 */
async function renderTimes(paths: string[], urls: string[]): Promise<Record<string, RenderResult[]>> {
  const child = spawn(process.execPath, ['--single-threaded', '--import', 'tsx', join(ROOT, 'test/bench/render-times.ts'), paths.join(','), ...urls], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`render-times.ts exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, RenderResult[]>;
}

async function historyScale(work: string): Promise<void> {
  console.log(`\n(b) history scale: ${INCIDENTS} incidents × ${UPDATES_PER_INCIDENT} updates over ${YEARS} years, ${COMPONENTS} components`);
  const seededUrl = `file:${join(work, 'history.db')}`;
  const emptyUrl = `file:${join(work, 'empty.db')}`;
  // The same components with no history at all: isolates what history (not the component list) costs.
  const componentsUrl = `file:${join(work, 'components.db')}`;
  const componentsOnly = await openMigratedDatabase(componentsUrl);
  await seedHistory(componentsOnly.db, { incidents: 0, updatesPerIncident: 0, components: COMPONENTS, years: 10, now: new Date() });
  componentsOnly.close();
  const seeded = await openMigratedDatabase(seededUrl);
  const started = Date.now();
  await seedHistory(seeded.db, { incidents: INCIDENTS, updatesPerIncident: UPDATES_PER_INCIDENT, components: COMPONENTS, years: YEARS, now: new Date() });
  await seeded.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  seeded.close();
  const dbPath = join(work, 'history.db');
  const size = statSync(dbPath).size + (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0);
  console.log(`  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  verdict('database file < 100 MB', `${(size / 1024 / 1024).toFixed(1)} MB`, size < 100 * 1024 * 1024);

  // Renders go straight to the renderer the cache calls on a miss, in a fresh process (render-times.ts says how
  // and why): every call there is an uncached render.
  const databases = [
    { name: 'empty database', url: emptyUrl },
    { name: `${COMPONENTS} components, no history`, url: componentsUrl },
    { name: 'seeded database', url: seededUrl },
  ];
  const paths = ['/', '/history'];
  const times = await renderTimes(paths, databases.map((d) => d.url));
  let home = '';
  for (const path of paths) {
    const [e, c, s] = times[path] ?? [];
    if (!e || !c || !s) throw new Error(`no render times for ${path}`);
    if (path === '/') home = s.html;
    const ms = (wall: number, cpu: number) => `${wall.toFixed(1)} ms (CPU ${cpu.toFixed(1)} ms)`;
    for (const [k, r] of [e, c, s].entries()) {
      console.log(`  GET ${path}, ${databases[k]!.name} (${kb(r.bytes)}): first ${ms(r.first, r.firstCpu)}, steady ${ms(r.steady, r.steadyCpu)}`);
    }
    const ratio = (a: number, b: number) => a / Math.max(b, 0.1);
    verdict(`first uncached render of ${path} ≤ 2× empty (CPU)`, `${ratio(s.firstCpu, e.firstCpu).toFixed(2)}× (wall ${ratio(s.first, e.first).toFixed(2)}×)`, ratio(s.firstCpu, e.firstCpu) <= 2);
    verdict(`steady uncached render of ${path} ≤ 2× empty (CPU)`, `${ratio(s.steadyCpu, e.steadyCpu).toFixed(2)}× (wall ${ratio(s.steady, e.steady).toFixed(2)}×)`, ratio(s.steadyCpu, e.steadyCpu) <= 2);
    console.log(`        (for reference, against the same components with no history: ${ratio(s.steadyCpu, c.steadyCpu).toFixed(2)}× CPU)`);
  }
  await weight(home, seededUrl);
}

/** The bytes of the stylesheets a page links (from dist/client, as a browser would fetch them). */
function linkedCss(html: string): number {
  let css = 0;
  for (const m of html.matchAll(/<link\b[^>]*rel=["']?stylesheet[^>]*>/gi)) {
    const href = /href=["']([^"']+)["']/.exec(m[0])?.[1];
    if (!href) continue;
    const file = join(ROOT, 'dist', 'client', href.replace(/^https?:\/\/[^/]+/, ''));
    if (existsSync(file)) css += statSync(file).size;
  }
  return css;
}

/** The seeded home page in every shipped language (the seed offers them all), rendered as the cache would. */
async function homeInEveryLanguage(databaseUrl: string): Promise<{ tag: string; html: string }[]> {
  const astro = await loadAstroHandler(entryFile(ROOT));
  const rt = await createRuntime(readConfig({ DATABASE_URL: databaseUrl, PUBLIC_URL: 'http://127.0.0.1:4321' }), () => undefined);
  try {
    const render = createPublicRenderer(rt, astro);
    const out: { tag: string; html: string }[] = [];
    for (const tag of LANGUAGE_TAGS) {
      const page = await render(tag === DEFAULT_LANGUAGE ? '/' : `/${tag}/`);
      if (page.status !== 200) throw new Error(`/${tag}/ answered ${page.status}`);
      out.push({ tag, html: Buffer.from(page.body).toString('utf8') });
    }
    return out;
  } finally {
    rt.database.close();
  }
}

async function weight(html: string, databaseUrl: string): Promise<void> {
  console.log('\n(c) home page weight on the seeded database');
  const css = linkedCss(html);
  const htmlBytes = Buffer.byteLength(html);
  console.log(`  HTML ${kb(htmlBytes)} (inline styles included), linked CSS ${kb(css)}`);
  // Each language's words take their own room (Arabic and Japanese letters are 2 and 3 bytes in UTF-8): the budget
  // holds for the heaviest.
  const languages = (await homeInEveryLanguage(databaseUrl)).map(({ tag, html: page }) => ({ tag, bytes: Buffer.byteLength(page) + linkedCss(page) }));
  console.log(`  per language (HTML + CSS): ${languages.map((l) => `${l.tag} ${kb(l.bytes)}`).join(', ')}`);
  const heaviest = languages.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  verdict('home HTML + CSS < 50 KB, in the longest language', `${kb(heaviest.bytes)} (${heaviest.tag})`, heaviest.bytes < 50 * 1024);
  const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
  const executable = scripts.filter((s) => !/type=["']?application\/(ld\+)?json/i.test(s));
  // Without JavaScript the page must already say everything: the banner and every component are in the HTML.
  const complete = /Service 1\b/.test(html) && /Service 50\b/.test(html) && /(Operational|operational)/.test(html);
  console.log(`  script tags: ${executable.length}${executable.length ? ` (${executable.join(' ')})` : ''}`);
  verdict('no JavaScript required (status and components are in the HTML)', executable.length === 0 ? 'no scripts' : `${executable.length} optional script(s)`, complete);
}

async function main(): Promise<void> {
  await ensureBuilt(ROOT, (line) => console.log(`[herald] ${line}`));
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  try {
    if (!flag('skip-load')) await throughput(work);
    if (!flag('skip-scale')) await historyScale(work);
    if (!flag('skip-fanout')) await fanoutBench(verdict, { subscribers: option('subscribers', 10_000) });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.pass);
  console.log(`\n${results.length - failed.length} of ${results.length} targets met${failed.length ? `; missed: ${failed.map((f) => f.target).join('; ')}` : ''}`);
}

await main();
