// The console's one way to the Hono API: forwards the browser's cookie, carries Set-Cookie back, parses errors.
import type { AstroGlobal } from 'astro';
import { FIELD_LABELS, formFieldOf, formMessage, humanize } from './field-labels.ts';

export interface ApiErrorBody {
  code: string;
  message: string;
  fields?: Record<string, string>;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiErrorBody };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a page needs from Astro; a structural subset, so unit tests can build one by hand. */
export type ApiContext = Pick<AstroGlobal, 'request' | 'locals' | 'response'>;

function isErrorBody(v: unknown): v is { error: ApiErrorBody } {
  if (!v || typeof v !== 'object' || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return !!e && typeof e === 'object' && 'code' in e && 'message' in e;
}

/**
 * A client bound to one page request. Every call goes through `locals.herald.app.request`, so the
 * console has exactly the rights of the signed-in user, and the API's rules (roles, CSRF, audit) apply.
 */
export class ConsoleApi {
  /** Set-Cookie values the API answered with (sign-in, renewal, sign-out), to pass to the browser. */
  readonly setCookies: string[] = [];

  constructor(private readonly astro: ApiContext) {}

  async call<T>(method: Method, path: string, body?: unknown): Promise<ApiResult<T>> {
    const { app, deps } = this.astro.locals.herald;
    const incoming = this.astro.request.headers;
    const headers: Record<string, string> = { accept: 'application/json', origin: new URL(deps.publicUrl).origin };
    const cookie = this.cookieHeader(incoming.get('cookie'));
    if (cookie) headers.cookie = cookie;
    const ua = incoming.get('user-agent');
    if (ua) headers['user-agent'] = ua;
    const forwarded = incoming.get('x-forwarded-for');
    if (forwarded) headers['x-forwarded-for'] = forwarded;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // The socket's address as our server saw it, never Astro.clientAddress: Astro takes that from the
    // first X-Forwarded-For entry, which a client can make up to dodge per-address sign-in limits.
    const address = this.astro.locals.herald.clientAddress;
    // The API reads the client address from @hono/node-server's env (for sign-in rate limits per address).
    const env = address ? { incoming: { socket: { remoteAddress: address } } } : undefined;
    const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, env);
    for (const value of res.headers.getSetCookie()) {
      this.setCookies.push(value);
      this.astro.response.headers.append('Set-Cookie', value);
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (res.ok) return { ok: true, status: res.status, data: parsed as T };
    if (isErrorBody(parsed)) return { ok: false, status: res.status, error: parsed.error };
    return { ok: false, status: res.status, error: { code: 'http_error', message: `The server answered ${res.status}.` } };
  }

  get<T>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T>(path: string, body: unknown = {}) {
    return this.call<T>('POST', path, body);
  }
  patch<T>(path: string, body: unknown) {
    return this.call<T>('PATCH', path, body);
  }
  put<T>(path: string, body: unknown) {
    return this.call<T>('PUT', path, body);
  }
  delete<T>(path: string) {
    return this.call<T>('DELETE', path);
  }

  /** GET that must succeed: on failure throws, so a page shows its error state. */
  async need<T>(path: string): Promise<T> {
    const r = await this.get<T>(path);
    if (!r.ok) throw new ConsoleApiError(r.status, r.error);
    return r.data;
  }

  /** A 303 See Other (Post/Redirect/Get) that keeps any cookies the API set during this request. */
  redirect(location: string): Response {
    const headers = new Headers({ Location: location, 'Cache-Control': 'no-store' });
    for (const c of this.setCookies) headers.append('Set-Cookie', c);
    return new Response(null, { status: 303, headers });
  }

  /**
   * The Cookie header for the next call: the browser's, updated with cookies the API set earlier in
   * this same request (after sign-in, the following call must already be signed in).
   */
  private cookieHeader(browser: string | null): string | null {
    if (this.setCookies.length === 0) return browser;
    const jar = new Map<string, string>();
    for (const part of (browser ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    for (const set of this.setCookies) {
      const first = set.split(';')[0] ?? '';
      const eq = first.indexOf('=');
      if (eq <= 0) continue;
      const name = first.slice(0, eq).trim();
      const value = first.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
    return jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : null;
  }
}

class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

/** Form errors keyed by field name, plus a message for the whole form. */
export interface FormErrors {
  form?: string;
  fields: Record<string, string>;
}

export const noErrors = (): FormErrors => ({ fields: {} });

/**
 * The API's error as the form shows it: a message in the form's words (FIELD_LABELS, never `scheduled_until`), and
 * each field's problem keyed by the form field it belongs to.
 */
export function formErrors(error: ApiErrorBody, labels: Record<string, string> = FIELD_LABELS): FormErrors {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(error.fields ?? {})) fields[formFieldOf(k)] ??= humanize(v, labels);
  return { form: formMessage(error, labels), fields };
}

/** An error with no form to point at (a row's button, a page that failed to load), in words. */
export const errorText = (error: ApiErrorBody): string => formMessage({ ...error, fields: undefined });
