// The settings the console shows (time zone, per-severity targets and cadence), read through GET /api/v1/settings.
import type { SettingsOut } from '../../api/settings/settings-routes.ts';
import { DEFAULT_SEVERITIES } from '../../api/core/settings.ts';
import { SEVERITIES, type Severity } from '../../api/core/vocabulary.ts';
import type { ConsoleApi } from './api.ts';

export type { SettingsOut };

export interface ConsoleSettings {
  timeZone: string;
  pageName: string;
  raw: SettingsOut | null;
  cadenceMinutes(severity: Severity | null): number | null;
}

/** The settings, or the defaults when they cannot be read (a page still renders, in UTC). */
export async function loadSettings(api: ConsoleApi): Promise<ConsoleSettings> {
  const r = await api.get<SettingsOut>('/api/v1/settings');
  const raw = r.ok ? r.data : null;
  return {
    timeZone: raw?.time_zone ?? 'Etc/UTC',
    pageName: raw?.page_name ?? 'Herald',
    raw,
    cadenceMinutes: (severity) => {
      if (!severity || !SEVERITIES.includes(severity)) return null;
      return raw?.severities[severity]?.cadence_minutes ?? DEFAULT_SEVERITIES[severity].cadenceMinutes;
    },
  };
}

/** "every 30 min", "every 4 h", "every 24 h". */
export function cadenceText(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes % 60 === 0) return `every ${minutes / 60} h`;
  return `every ${minutes} min`;
}
