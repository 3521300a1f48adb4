// Playwright fixtures for every e2e spec: one real server per spec file (temp database), its baseURL,
// the setup link it printed, and a quick owner with a write API token for arranging data through the API.
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { startHerald, type HeraldProcess, type StartOptions } from './herald-process.ts';

export { expect };
export type { HeraldProcess };

export interface Owner {
  email: string;
  password: string;
  name: string;
  /** `herald_session=...` for cookie-authenticated requests. */
  cookie: string;
  /** `Authorization: Bearer ...` value of a write-scoped API token. */
  authorization: string;
}

export const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple', name: 'Olive Owner' };

/** JSON call to the server's API with the owner's token; throws with the body on a non-2xx answer. */
export async function api<T = unknown>(herald: HeraldProcess, owner: Owner, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(herald.baseURL + path, {
    method,
    headers: { authorization: owner.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

function cookieFrom(res: Response): string {
  const session = res.headers.getSetCookie().find((c) => c.startsWith('herald_session='));
  if (!session) throw new Error('no session cookie in the answer');
  return session.split(';', 1)[0]!;
}

/** Signs in through the API; returns the session cookie. */
export async function signIn(herald: HeraldProcess, email: string, password: string): Promise<string> {
  const res = await fetch(`${herald.baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: herald.baseURL },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  return cookieFrom(res);
}

/** Signs in with the console's form; waits for the dashboard, or for `next` (the patience is the config's expect timeout). */
export async function consoleSignIn(page: Page, email: string, password: string, next?: string): Promise<void> {
  await page.goto(next ? `/admin/login?next=${encodeURIComponent(next)}` : '/admin/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (next) await expect(page).toHaveURL((url) => url.pathname + url.search === next);
  else await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}

/** A browser context of its own, signed in to the console as this person. */
export async function signedInPage(browser: Browser, baseURL: string, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await consoleSignIn(page, email, password);
  return page;
}

/** A write API token for a signed-in user. */
export async function createToken(herald: HeraldProcess, cookie: string, scope: 'read' | 'write' | 'alerts' = 'write'): Promise<string> {
  const res = await fetch(`${herald.baseURL}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: herald.baseURL, cookie },
    body: JSON.stringify({ name: `e2e ${scope}`, scope }),
  });
  if (!res.ok) throw new Error(`creating a token answered ${res.status}: ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return `Bearer ${token}`;
}

/**
 * The first owner, made through the setup link's API (POST /api/auth/setup), signed in, with a write token.
 * When the setup link was used already (say, by a browser test), signs in with OWNER's credentials instead.
 */
export async function createOwner(herald: HeraldProcess, who: { email: string; password: string; name: string } = OWNER): Promise<Owner> {
  let cookie: string;
  const token = herald.setupLink ? new URL(herald.setupLink).searchParams.get('token') : null;
  const setup = token
    ? await fetch(`${herald.baseURL}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: herald.baseURL },
        body: JSON.stringify({ token, ...who }),
      })
    : null;
  if (setup?.ok) cookie = cookieFrom(setup);
  else cookie = await signIn(herald, who.email, who.password);
  return { ...who, cookie, authorization: await createToken(herald, cookie) };
}

/**
 * One server per spec file (and per `heraldEnv`): started on its first use in a worker, stopped when the
 * worker moves to another file or another environment.
 */
class ServerPerFile {
  #key: string | null = null;
  #server: HeraldProcess | null = null;
  #owner: Promise<Owner> | null = null;

  async forFile(file: string, opts: StartOptions): Promise<HeraldProcess> {
    const key = `${file}\0${JSON.stringify(opts.env ?? {})}`;
    if (this.#key !== key) {
      await this.stop();
      this.#key = key;
      this.#server = await startHerald(opts);
    }
    return this.#server!;
  }

  owner(): Promise<Owner> {
    this.#owner ??= createOwner(this.#server!);
    return this.#owner;
  }

  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    this.#key = null;
    this.#owner = null;
    if (s) await s.stop();
  }
}

interface WorkerFixtures {
  heraldServers: ServerPerFile;
}

interface TestFixtures {
  /** Extra server env for a spec file: `test.use({ heraldEnv: { ... } })`. */
  heraldEnv: Record<string, string>;
  /** The server of this spec file. */
  herald: HeraldProcess;
  /** The first owner of this file's server (made on first use) with a write token. */
  owner: Owner;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  heraldServers: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const servers = new ServerPerFile();
      await use(servers);
      await servers.stop();
    },
    { scope: 'worker' },
  ],
  heraldEnv: [{}, { option: true }],
  herald: async ({ heraldServers, heraldEnv }, use, testInfo) => {
    await use(await heraldServers.forFile(testInfo.file, { env: heraldEnv }));
  },
  baseURL: async ({ herald }, use) => {
    await use(herald.baseURL);
  },
  owner: async ({ herald, heraldServers }, use) => {
    void herald;
    await use(await heraldServers.owner());
  },
});
