// Incident templates as the console reads them (GET /api/v1/templates).
import type { TemplateOut } from '../../api/incidents/template-routes.ts';
import type { ConsoleApi } from './api.ts';

export type { TemplateOut };

export async function loadTemplates(api: ConsoleApi): Promise<TemplateOut[]> {
  const r = await api.get<{ templates: TemplateOut[] }>('/api/v1/templates');
  return r.ok ? r.data.templates : [];
}
