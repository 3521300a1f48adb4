// /api/v1/settings: read (viewer+) and change (owner) the page settings and per-severity targets.
import { eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { SEVERITIES, components, incidents, type Severity } from '../../db/schema.ts';
import { actorOf, requireRole, type AppEnv } from '../http/access.ts';
import { write } from '../audit/write.ts';
import { badRequest } from '../core/errors.ts';
import { OPEN_INCIDENTS, recomputeNextUpdateDue } from '../incidents/incident-store.ts';
import { getSettings, putSettings, type Settings, type SeverityPolicy } from '../core/settings.ts';
import { canonicalLanguage, LANGUAGE_TAGS } from '../core/i18n/locale.ts';
import { jsonBody, oneLine } from '../http/validate.ts';
import { SEVERITY_IMPACTS } from '../core/vocabulary.ts';

interface SeverityPolicyOut {
  response_minutes: number;
  resolution_minutes: number | null;
  cadence_minutes: number;
  impact: SeverityPolicy['impact'];
}

export interface SettingsOut {
  page_id: string;
  page_name: string;
  public_url: string | null;
  time_zone: string;
  logo_url: string | null;
  /** The language served at `/` (BCP 47). */
  language: string;
  /** Further languages, each served under `/<tag>/`. */
  languages: string[];
  /** Every language Herald ships a catalogue for: what `language` and `languages` may name. */
  available_languages: string[];
  severities: Record<Severity, SeverityPolicyOut>;
  /** Alert label value (`severity` or `priority`) → suggested severity. */
  alert_severity_map: Record<string, Severity>;
  /** Alerts with label `label` = `value` concern `component_id`. */
  alert_component_rules: { label: string; value: string; component_id: string }[];
}

function settingsJson(s: Settings): SettingsOut {
  const severities = {} as Record<Severity, SeverityPolicyOut>;
  for (const sev of SEVERITIES) {
    const p = s.severities[sev];
    severities[sev] = { response_minutes: p.responseMinutes, resolution_minutes: p.resolutionMinutes, cadence_minutes: p.cadenceMinutes, impact: p.impact };
  }
  return {
    page_id: s.pageId,
    page_name: s.pageName,
    public_url: s.publicUrl,
    time_zone: s.timeZone,
    logo_url: s.logoUrl,
    language: s.language,
    languages: s.languages,
    available_languages: [...LANGUAGE_TAGS],
    severities,
    alert_severity_map: s.alertSeverityMap,
    alert_component_rules: s.alertComponentRules.map((r) => ({ label: r.label, value: r.value, component_id: r.componentId })),
  };
}

/** True when Intl knows the zone (IANA names such as Europe/Berlin or Etc/UTC). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .url('An absolute http(s) URL.')
  .refine((u) => /^https?:\/\//i.test(u), 'An absolute http(s) URL.');

/** A shipped language, named by its BCP 47 tag in any case ("pt-br" is "pt-BR"). */
const languageTag = z
  .string()
  .trim()
  .max(35)
  .transform((tag, ctx) => {
    const known = canonicalLanguage(tag);
    if (!known) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `One of the shipped languages: ${LANGUAGE_TAGS.join(', ')}.` });
    return known ?? tag;
  });

const WEEK_MINUTES = 7 * 24 * 60;
const YEAR_MINUTES = 366 * 24 * 60;

const policySchema = z
  .object({
    response_minutes: z.number().int().min(0).max(WEEK_MINUTES),
    resolution_minutes: z.number().int().min(1).max(YEAR_MINUTES).nullable(),
    cadence_minutes: z.number().int().min(1).max(WEEK_MINUTES),
    impact: z.enum(SEVERITY_IMPACTS),
  })
  .partial()
  .strict();

const patchSettingsSchema = z
  .object({
    page_name: oneLine(z.string().trim().min(1, 'Required.').max(200)),
    public_url: httpUrl.nullable(),
    time_zone: z.string().trim().min(1).max(100).refine(isTimeZone, 'An IANA time zone, e.g. Europe/Berlin or Etc/UTC.'),
    // an absolute URL, or a path on this site (an uploaded file under /)
    logo_url: z
      .string()
      .trim()
      .max(2000)
      .refine((u) => /^https?:\/\/\S+$/i.test(u) || /^\/(?!\/)\S*$/.test(u), 'An http(s) URL or a path starting with /.')
      .nullable(),
    language: languageTag,
    languages: z.array(languageTag).max(LANGUAGE_TAGS.length * 2),
    severities: z.object({ P1: policySchema, P2: policySchema, P3: policySchema, P4: policySchema }).partial().strict(),
    alert_severity_map: z
      .record(z.string().trim().toLowerCase().min(1).max(100), z.enum(SEVERITIES))
      .refine((m) => Object.keys(m).length <= 50, 'At most 50 entries.'),
    alert_component_rules: z
      .array(
        z
          .object({
            label: z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'A label name, e.g. service or job.'),
            value: z.string().trim().min(1, 'Required.').max(200),
            component_id: z.string().min(1, 'Required.').max(100),
          })
          .strict(),
      )
      .max(200, 'At most 200 rules.'),
  })
  .partial()
  .strict();

export function settingsRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/settings', requireRole('viewer'), async (c) => {
    return c.json(settingsJson(await getSettings(c.get('deps').db)));
  });

  r.patch('/settings', requireRole('owner'), jsonBody(patchSettingsSchema), async (c) => {
    const body = c.req.valid('json');
    const saved = await write(c.get('deps'), actorOf(c), async (w) => {
      const { tx, now } = w;
      const before = await getSettings(tx);
      const values: Partial<Omit<Settings, 'pageId'>> = {};
      if (body.page_name !== undefined) values.pageName = body.page_name;
      if (body.public_url !== undefined) values.publicUrl = body.public_url ? body.public_url.replace(/\/+$/, '') : null;
      if (body.time_zone !== undefined) values.timeZone = body.time_zone;
      if (body.logo_url !== undefined) values.logoUrl = body.logo_url;
      if (body.language !== undefined) values.language = body.language;
      if (body.language !== undefined || body.languages !== undefined) {
        // The default language is served at `/`, so it is never also a further one; a repeat counts once.
        const language = values.language ?? before.language;
        values.languages = [...new Set(body.languages ?? before.languages)].filter((tag) => tag !== language);
      }
      if (body.severities) {
        const severities = { ...before.severities };
        for (const sev of SEVERITIES) {
          const p = body.severities[sev];
          if (!p) continue;
          const next: SeverityPolicy = {
            responseMinutes: p.response_minutes ?? severities[sev].responseMinutes,
            resolutionMinutes: p.resolution_minutes === undefined ? severities[sev].resolutionMinutes : p.resolution_minutes,
            cadenceMinutes: p.cadence_minutes ?? severities[sev].cadenceMinutes,
            impact: p.impact ?? severities[sev].impact,
          };
          if (next.resolutionMinutes !== null && next.resolutionMinutes < next.responseMinutes) {
            throw badRequest(`${sev}: the resolution target comes before the response target.`, {
              [`severities.${sev}.resolution_minutes`]: 'Must be at least the response target.',
            });
          }
          severities[sev] = next;
        }
        values.severities = severities;
      }
      if (body.alert_severity_map !== undefined) values.alertSeverityMap = body.alert_severity_map;
      if (body.alert_component_rules !== undefined) {
        const ids = [...new Set(body.alert_component_rules.map((r) => r.component_id))];
        const found = ids.length ? await tx.select({ id: components.id }).from(components).where(inArray(components.id, ids)) : [];
        const known = new Set(found.map((f) => f.id));
        const fields: Record<string, string> = {};
        body.alert_component_rules.forEach((r, i) => {
          if (!known.has(r.component_id)) fields[`alert_component_rules.${i}.component_id`] = `No component "${r.component_id}".`;
        });
        if (Object.keys(fields).length) throw badRequest('Alert component rules name unknown components.', fields);
        values.alertComponentRules = body.alert_component_rules.map((r) => ({ label: r.label, value: r.value, componentId: r.component_id }));
      }
      await putSettings(tx, values, now);
      const after = await getSettings(tx);
      // Stored next-update-due times follow a cadence change, for anything that reads the column.
      if (values.severities) {
        const open = await tx.select().from(incidents).where(OPEN_INCIDENTS);
        for (const incident of open) {
          const due = await recomputeNextUpdateDue(tx, incident);
          await tx.update(incidents).set({ nextUpdateDueAt: due }).where(eq(incidents.id, incident.id));
        }
      }
      await w.audit({ action: 'settings.update', entityType: 'settings', before: settingsJson(before), after: settingsJson(after) }, { public: true });
      return after;
    });
    return c.json(settingsJson(saved));
  });

  return r;
}
