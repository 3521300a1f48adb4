// Page settings (name, public URL, time zone, logo, languages) and the per-severity targets and cadence.
import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { ESCALATION_LEVELS, settings, type Impact, type Severity } from '../../db/schema.ts';
import { newId } from './ids.ts';
import { canonicalLanguage, DEFAULT_LANGUAGE } from './i18n/locale.ts';

export interface SeverityPolicy {
  /** Minutes from start to the first response; 0 means immediate. */
  responseMinutes: number;
  /** Minutes from start to resolution; null means "next release" (no clock). */
  resolutionMinutes: number | null;
  /** Minutes between public updates. */
  cadenceMinutes: number;
  /** The impact shown publicly for this severity. */
  impact: Impact;
}

export interface Settings {
  pageId: string;
  pageName: string;
  /** Overrides the server's PUBLIC_URL in links when set. */
  publicUrl: string | null;
  timeZone: string;
  logoUrl: string | null;
  /** The language served at `/` (a shipped catalogue's BCP 47 tag). */
  language: string;
  /** Further languages, each served under `/<tag>/`; never the default one. */
  languages: string[];
  severities: Record<Severity, SeverityPolicy>;
  /** An alert's `severity` or `priority` label value (lower-cased) → the severity suggested for it. */
  alertSeverityMap: Record<string, Severity>;
  /** An alert whose label `label` equals `value` concerns the component (besides a `component` label naming it). */
  alertComponentRules: AlertComponentRule[];
  /** The escalation path's four levels, as this team names them (GET/PUT /api/v1/escalation). */
  escalationLevelNames: string[];
  /** Minutes a page may go unacknowledged before the next level is paged; null: never automatically. */
  ackTimeoutMinutes: Record<Severity, number | null>;
  /** Opening an incident of this severity pages level 1 at once ("activate the response team"). */
  pageOnOpen: Record<Severity, boolean>;
  /** Minutes before the next public update is due that its reminder goes out; 0: only when overdue. */
  updateReminderMinutes: number;
}

export interface AlertComponentRule {
  label: string;
  value: string;
  componentId: string;
}

/** The mapping: critical→P1, high/error→P2, warning→P3, info→P4. */
const DEFAULT_ALERT_SEVERITY_MAP: Record<string, Severity> = { critical: 'P1', high: 'P2', error: 'P2', warning: 'P3', info: 'P4' };

/** DESIGN.md's table. */
export const DEFAULT_SEVERITIES: Record<Severity, SeverityPolicy> = {
  P1: { responseMinutes: 0, resolutionMinutes: 60, cadenceMinutes: 30, impact: 'critical' },
  P2: { responseMinutes: 15, resolutionMinutes: 240, cadenceMinutes: 60, impact: 'major' },
  P3: { responseMinutes: 60, resolutionMinutes: 1440, cadenceMinutes: 240, impact: 'minor' },
  P4: { responseMinutes: 240, resolutionMinutes: null, cadenceMinutes: 1440, impact: 'none' },
};

const DEFAULT_SETTINGS: Omit<Settings, 'pageId'> = {
  pageName: 'Herald',
  publicUrl: null,
  timeZone: 'Etc/UTC',
  logoUrl: null,
  language: DEFAULT_LANGUAGE,
  languages: [],
  severities: DEFAULT_SEVERITIES,
  alertSeverityMap: DEFAULT_ALERT_SEVERITY_MAP,
  alertComponentRules: [],
  escalationLevelNames: [...ESCALATION_LEVELS],
  ackTimeoutMinutes: { P1: 5, P2: 15, P3: 60, P4: null },
  pageOnOpen: { P1: true, P2: true, P3: false, P4: false },
  updateReminderMinutes: 5,
};

type SettingKey = keyof Settings;

/** The settings, defaults filled in. The page id is made once and kept. */
export async function getSettings(db: Executor): Promise<Settings> {
  const rows = await db.select().from(settings);
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  let pageId = stored.get('pageId');
  if (typeof pageId !== 'string') {
    pageId = newId();
    await db.insert(settings).values({ key: 'pageId', value: pageId, updatedAt: new Date() }).onConflictDoNothing();
    const again = await db.select().from(settings).where(eq(settings.key, 'pageId'));
    pageId = String(again[0]?.value ?? pageId);
  }
  const merged: Settings = { ...DEFAULT_SETTINGS, pageId: pageId as string };
  for (const key of ['pageName', 'publicUrl', 'timeZone', 'logoUrl', 'alertSeverityMap', 'alertComponentRules', 'escalationLevelNames', 'updateReminderMinutes'] as const) {
    if (stored.has(key)) (merged[key] as unknown) = stored.get(key);
  }
  // Only languages a catalogue ships: one removed from Herald since it was chosen is no longer served.
  const language = typeof stored.get('language') === 'string' ? canonicalLanguage(stored.get('language') as string) : null;
  if (language) merged.language = language;
  const languages = stored.get('languages');
  if (Array.isArray(languages)) {
    merged.languages = [];
    for (const tag of languages) {
      const known = typeof tag === 'string' ? canonicalLanguage(tag) : null;
      if (known && known !== merged.language && !merged.languages.includes(known)) merged.languages.push(known);
    }
  }
  // per severity, so a severity added to the defaults later still gets its value
  for (const key of ['ackTimeoutMinutes', 'pageOnOpen'] as const) {
    const value = stored.get(key);
    if (value && typeof value === 'object') (merged[key] as unknown) = { ...DEFAULT_SETTINGS[key], ...value };
  }
  const sev = stored.get('severities') as Partial<Record<Severity, Partial<SeverityPolicy>>> | undefined;
  if (sev) {
    merged.severities = { ...DEFAULT_SEVERITIES };
    for (const k of Object.keys(DEFAULT_SEVERITIES) as Severity[]) merged.severities[k] = { ...DEFAULT_SEVERITIES[k], ...sev[k] };
  }
  return merged;
}

/** Writes some settings (the caller audits and bumps the content version in the same transaction). */
export async function putSettings(db: Executor, values: Partial<Omit<Settings, 'pageId'>>, now: Date): Promise<void> {
  for (const [key, value] of Object.entries(values) as [SettingKey, unknown][]) {
    if (value === undefined) continue;
    // null means "back to the default" (the column cannot hold SQL NULL); every nullable setting defaults to null
    if (value === null) {
      await db.delete(settings).where(eq(settings.key, key));
      continue;
    }
    await db
      .insert(settings)
      .values({ key, value, updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
  }
}

/** The base URL for public links: the setting when set, else the server's PUBLIC_URL. */
export function publicBaseUrl(s: Settings, serverPublicUrl: string): string {
  return (s.publicUrl ?? serverPublicUrl).replace(/\/+$/, '');
}
