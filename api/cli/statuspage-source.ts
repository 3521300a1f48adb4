// Reads a Statuspage page's public API v2 (summary, components, incidents, scheduled maintenances) from its address or
// from a folder of saved JSON, and checks that it is Statuspage-shaped before anything is written. Only the address
// given is fetched (http or https, no redirect to another site), with a timeout and a size limit per document.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { COMPONENT_STATUSES } from '../core/vocabulary.ts';

const DOCUMENTS = ['summary.json', 'components.json', 'incidents.json', 'scheduled-maintenances.json'] as const;
export type DocumentName = (typeof DOCUMENTS)[number];

const FETCH_TIMEOUT_MS = 20_000;
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
const MAX_REDIRECTS = 3;

/** Why a source cannot be imported; the message is for a person, the CLI prints it as it is. */
export class SourceError extends Error {}

const HINT =
  'Give the address of a Statuspage page (e.g. https://status.example.com) or a folder holding its saved ' +
  'summary.json, components.json, incidents.json and scheduled-maintenances.json.';

// ---------------------------------------------------------------------------------------------
// The shapes (shared/statuspage-v2.md): what must be there; anything more is fine and ignored.

const time = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not a time');
const optionalTime = time.nullish();

const pageSchema = z.object({ id: z.string().min(1), name: z.string(), url: z.string().optional(), time_zone: z.string().nullish(), updated_at: z.string().nullish() }).passthrough();

const componentSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    status: z.enum(COMPONENT_STATUSES),
    position: z.number().int().nullish(),
    description: z.string().nullish(),
    showcase: z.boolean().nullish(),
    start_date: z.string().nullish(),
    group_id: z.string().nullish(),
    group: z.boolean().nullish(),
    only_show_if_degraded: z.boolean().nullish(),
    components: z.array(z.string()).nullish(),
    created_at: optionalTime,
    updated_at: optionalTime,
  })
  .passthrough();

const affectedSchema = z.object({ code: z.string(), name: z.string().nullish(), old_status: z.string().nullish(), new_status: z.string().nullish() }).passthrough();

const updateSchema = z
  .object({
    id: z.string().min(1),
    status: z.string(),
    body: z.string().nullish(),
    created_at: time,
    updated_at: optionalTime,
    display_at: optionalTime,
    affected_components: z.array(affectedSchema).nullish(),
    deliver_notifications: z.boolean().nullish(),
  })
  .passthrough();

const incidentFields = {
  id: z.string().min(1),
  name: z.string(),
  created_at: time,
  updated_at: optionalTime,
  monitoring_at: optionalTime,
  resolved_at: optionalTime,
  started_at: optionalTime,
  shortlink: z.string().nullish(),
  incident_updates: z.array(updateSchema),
  components: z.array(z.object({ id: z.string() }).passthrough()).nullish(),
  postmortem_body: z.string().nullish(),
  postmortem_published_at: optionalTime,
};

const incidentSchema = z
  .object({
    ...incidentFields,
    status: z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']),
    impact: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  })
  .passthrough();

const maintenanceSchema = z
  .object({
    ...incidentFields,
    status: z.enum(['scheduled', 'in_progress', 'verifying', 'completed']),
    impact: z.string().nullish(),
    scheduled_for: optionalTime,
    scheduled_until: optionalTime,
  })
  .passthrough();

const summarySchema = z
  .object({
    page: pageSchema,
    status: z.object({ indicator: z.string(), description: z.string() }).passthrough(),
    components: z.array(componentSchema),
    incidents: z.array(incidentSchema).nullish(),
    scheduled_maintenances: z.array(maintenanceSchema).nullish(),
  })
  .passthrough();
const componentsSchema = z.object({ page: pageSchema, components: z.array(componentSchema) }).passthrough();
const incidentsSchema = z.object({ page: pageSchema, incidents: z.array(incidentSchema) }).passthrough();
const maintenancesSchema = z.object({ page: pageSchema, scheduled_maintenances: z.array(maintenanceSchema) }).passthrough();

export type SpPage = z.infer<typeof pageSchema>;
export type SpComponent = z.infer<typeof componentSchema>;
export type SpUpdate = z.infer<typeof updateSchema>;
export type SpIncident = z.infer<typeof incidentSchema>;
export type SpMaintenance = z.infer<typeof maintenanceSchema>;

/** Everything an import needs, checked. */
export interface StatuspageDump {
  /** Where it came from, for messages: the page's address or the folder. */
  origin: string;
  page: SpPage;
  components: SpComponent[];
  incidents: SpIncident[];
  maintenances: SpMaintenance[];
}

function firstIssue(name: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${name} is not valid`;
  const path = issue.path.length ? issue.path.join('.') : '(the document)';
  return `${name}: ${path}: ${issue.message}`;
}

function check<T>(name: DocumentName, schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new SourceError(`This does not look like a Statuspage page's public API (${firstIssue(name, r.error)}). ${HINT}`);
  return r.data;
}

/** Merges lists by id, the later list's copy winning (incidents.json's full copy over summary.json's). */
function byId<T extends { id: string }>(...lists: T[][]): T[] {
  const out = new Map<string, T>();
  for (const list of lists) for (const x of list) out.set(x.id, x);
  return [...out.values()];
}

/** Checks the four documents (already parsed JSON) and puts them together. */
function checkDocuments(origin: string, docs: Record<DocumentName, unknown>): StatuspageDump {
  const summary = check('summary.json', summarySchema, docs['summary.json']);
  const components = check('components.json', componentsSchema, docs['components.json']);
  const incidents = check('incidents.json', incidentsSchema, docs['incidents.json']);
  const maintenances = check('scheduled-maintenances.json', maintenancesSchema, docs['scheduled-maintenances.json']);
  const ids = new Set([summary.page.id, components.page.id, incidents.page.id, maintenances.page.id]);
  if (ids.size !== 1) throw new SourceError(`The documents come from different pages (${[...ids].join(', ')}). ${HINT}`);
  return {
    origin,
    page: summary.page,
    components: byId(summary.components, components.components),
    incidents: byId(summary.incidents ?? [], incidents.incidents),
    maintenances: byId(summary.scheduled_maintenances ?? [], maintenances.scheduled_maintenances),
  };
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`This does not look like a Statuspage page's public API (${name} is not JSON). ${HINT}`);
  }
}

// ---------------------------------------------------------------------------------------------
// From an address

/** The page's base address from what a person may paste: the page, its /api/v2, or one of its documents. */
function pageBase(input: string): URL {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    throw new SourceError(`"${input}" is neither an address nor a folder. ${HINT}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SourceError(`Only http:// and https:// addresses can be read (not ${u.protocol}). ${HINT}`);
  if (u.username || u.password) throw new SourceError('Give the address without a user name or password in it.');
  u.hash = '';
  u.search = '';
  u.pathname = u.pathname.replace(/\/api\/v2(?:\/.*)?$/, '').replace(/\/+$/, '');
  return u;
}

export interface FetchOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

/** Reads a response body up to `maxBytes`; more is an error (a page's JSON is far smaller). */
async function readLimited(res: Response, maxBytes: number, name: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new SourceError(`${name} is ${declared} bytes, more than the ${maxBytes} this import reads.`);
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new SourceError(`${name} is more than the ${maxBytes} bytes this import reads.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GETs one document of the page; follows a redirect only within the same site. */
async function fetchDocument(base: URL, name: DocumentName, opts: FetchOptions): Promise<unknown> {
  let url = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v2/${name}`, base.origin);
  const timeoutMs = opts.timeoutMs ?? FETCH_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', 'user-agent': 'Herald-Import/1' }, redirect: 'manual', signal });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string }; message?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new SourceError(`${url.href} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      throw new SourceError(`${url.href} could not be read: ${e.cause?.code ?? e.message ?? 'request failed'}.`);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      const location = res.headers.get('location');
      const next = location ? new URL(location, url) : null;
      if (!next || next.origin !== base.origin || hop >= MAX_REDIRECTS) {
        throw new SourceError(`${url.href} redirects to ${next ? next.href : 'nowhere'}; give that page's address instead (the import reads only the site it was given).`);
      }
      url = next;
      continue;
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      throw new SourceError(`${url.href} answered ${res.status}. ${HINT}`);
    }
    return parseJson(name, await readLimited(res, opts.maxBytes ?? MAX_DOCUMENT_BYTES, url.href));
  }
}

async function fromAddress(input: string, opts: FetchOptions): Promise<StatuspageDump> {
  const base = pageBase(input);
  const docs = {} as Record<DocumentName, unknown>;
  // One after another: a small page's four documents, and never more than one request in flight to someone's site.
  for (const name of DOCUMENTS) docs[name] = await fetchDocument(base, name, opts);
  return checkDocuments(base.href.replace(/\/+$/, ''), docs);
}

// ---------------------------------------------------------------------------------------------
// From a folder

async function fromFolder(dir: string, opts: FetchOptions): Promise<StatuspageDump> {
  const docs = {} as Record<DocumentName, unknown>;
  const missing: string[] = [];
  for (const name of DOCUMENTS) {
    const file = join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      missing.push(name);
      continue;
    }
    const max = opts.maxBytes ?? MAX_DOCUMENT_BYTES;
    if (info.size > max) throw new SourceError(`${file} is ${info.size} bytes, more than the ${max} this import reads.`);
    docs[name] = parseJson(name, await readFile(file, 'utf8'));
  }
  if (missing.length) throw new SourceError(`${dir} has no ${missing.join(', ')}. ${HINT}`);
  return checkDocuments(dir, docs);
}

/** A page's address, or a folder of its saved documents; throws SourceError with a message for a person. */
export async function readStatuspageSource(input: string, opts: FetchOptions = {}): Promise<StatuspageDump> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return fromAddress(input, opts);
  const info = await stat(input).catch(() => null);
  if (info?.isDirectory()) return fromFolder(input, opts);
  if (/^[a-z0-9.-]+\.[a-z]{2,}(?:\/|$)/i.test(input)) throw new SourceError(`"${input}" has no http:// or https://; did you mean https://${input}?`);
  throw new SourceError(`"${input}" is neither an address nor a folder. ${HINT}`);
}
