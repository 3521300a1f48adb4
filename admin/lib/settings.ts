// The settings the console shows (time zone, targets), read through GET /api/v1/settings.
import type { ConsoleApi } from './api.ts';

export interface ConsoleSettings {
  timeZone: string;
  pageName: string;
}

/** Snake_case or camelCase, whichever the API answers; UTC when it cannot be read. */
export async function loadSettings(api: ConsoleApi): Promise<ConsoleSettings> {
  const r = await api.get<Record<string, unknown>>('/api/v1/settings');
  const s = r.ok && r.data && typeof r.data === 'object' ? r.data : {};
  const inner = 'settings' in s && s.settings && typeof s.settings === 'object' ? (s.settings as Record<string, unknown>) : s;
  const str = (...keys: string[]) => {
    for (const k of keys) if (typeof inner[k] === 'string' && inner[k]) return inner[k] as string;
    return null;
  };
  return { timeZone: str('time_zone', 'timeZone') ?? 'Etc/UTC', pageName: str('page_name', 'pageName') ?? 'Herald' };
}
