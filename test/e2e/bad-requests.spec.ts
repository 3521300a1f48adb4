// Requests a scanner sends, against the real server (Astro included): each gets a 4xx or a redirect, never a 500.
import { request as httpRequest } from 'node:http';
import { expect, test } from './fixtures.ts';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, because fetch refuses methods such as TRACE before sending them. */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('bad input and odd methods get a 4xx, never a 500', async ({ herald, owner }) => {
  const base = herald.baseURL;
  const token = { authorization: owner.authorization };
  const cookie = { cookie: owner.cookie };

  const offset = await raw(base, 'GET', '/api/v1/subscribers?offset=99999999999999999999', token);
  expect(offset.status).toBe(400);
  expect(JSON.parse(offset.body).error.fields.offset).toBeTruthy();
  for (const o of ['99999999999999999999', '1.5', '-3', '1e3']) {
    const page = await raw(base, 'GET', `/admin/subscribers?offset=${o}`, cookie);
    expect(page.status, `console offset ${o}`).toBe(200);
  }

  // Signed in, the login page redirects to `next`: a CR/LF in it must not become a header.
  const next = await raw(base, 'GET', '/admin/login?next=/admin%0d%0aX:1', cookie);
  expect(next.status).toBe(303);
  expect(next.headers.location).toBe('/admin');
  expect(next.headers.x).toBeUndefined();
  const form = new URLSearchParams({ email: owner.email, password: owner.password, next: '/admin\r\nX: 1' }).toString();
  const posted = await raw(base, 'POST', '/admin/login', { 'content-type': 'application/x-www-form-urlencoded', origin: base }, form);
  expect(posted.status).toBe(303);
  expect(posted.headers.location).toBe('/admin');

  for (const path of ['/', '/history', '/admin', '/admin/login', '/subscriptions', '/api/v2/summary.json', '/healthz', '/nope']) {
    const res = await raw(base, 'TRACE', path);
    expect(res.status, `TRACE ${path}`).toBe(405);
    expect(res.headers.allow).toContain('GET');
    // Methods Node's parser does not know never reach us: its own 400.
    expect((await raw(base, 'TRACK', path)).status, `TRACK ${path}`).toBe(400);
  }

  for (const path of ['/_image?href=/nope.png', '/_image?href=/favicon.svg&w=100&h=100&f=webp', '/_image']) {
    expect((await raw(base, 'GET', path)).status, path).toBe(404);
  }
  expect(herald.output()).not.toMatch(/\b500\b/);
});
