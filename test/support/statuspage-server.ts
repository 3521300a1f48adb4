// A Statuspage page on loopback: serves recorded /api/v2 documents (test/fixtures/statuspage) under a path prefix per
// "page", plus the kinds of sites an import must refuse or give up on (not JSON, not Statuspage, too big, too slow,
// redirecting elsewhere).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FIXTURE_DIR = new URL('../fixtures/statuspage/', import.meta.url).pathname;

export type Documents = Record<string, unknown>;

/** The four recorded documents, parsed (a fresh copy each call, to change freely). */
export function recordedDocuments(): Documents {
  const out: Documents = {};
  for (const name of ['summary.json', 'components.json', 'incidents.json', 'scheduled-maintenances.json']) {
    out[name] = JSON.parse(readFileSync(`${FIXTURE_DIR}${name}`, 'utf8'));
  }
  return out;
}

export interface StatuspageServer {
  url: string;
  /** Pages by path prefix ("" is the root): `${url}${prefix}/api/v2/<name>` answers `pages[prefix][name]`. */
  pages: Record<string, Documents>;
  /** Paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startStatuspageServer(): Promise<StatuspageServer> {
  const state: StatuspageServer = { url: '', pages: { '': recordedDocuments() }, requests: [], close: async () => undefined };
  let otherOrigin = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    state.requests.push(path);
    const m = /^(.*)\/api\/v2\/([a-z-]+\.json)$/.exec(path);
    const prefix = m?.[1] ?? '';
    if (prefix === '/slow') return; // never answers
    if (prefix === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>Not a status page</title>');
    }
    if (prefix === '/big') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(`{"page":{"id":"x","name":"${'x'.repeat(200_000)}"}}`);
    }
    if (prefix === '/elsewhere') {
      res.writeHead(302, { location: `${otherOrigin}/api/v2/${m?.[2] ?? ''}` });
      return res.end();
    }
    if (prefix === '/moved') {
      res.writeHead(301, { location: `/api/v2/${m?.[2] ?? ''}` });
      return res.end();
    }
    const doc = m ? state.pages[prefix]?.[m[2]!] : undefined;
    if (doc === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(typeof doc === 'string' ? doc : JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;
  // The same machine by another name is another site.
  otherOrigin = `http://localhost:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
