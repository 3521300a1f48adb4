// What an alert suggests: a severity from its `severity`/`priority` label, and the components it concerns (a
// `component` label naming one, or the label rules in settings).
import type { Severity } from '../../db/schema.ts';
import type { AlertComponentRule } from '../core/settings.ts';

const DIRECT = /^p([1-4])$/i;

/** The severity the labels suggest: `severity` first, then `priority`; a value of P1..P4 is taken as it is. */
export function suggestSeverity(labels: Record<string, string>, map: Record<string, Severity>): Severity | null {
  for (const name of ['severity', 'priority']) {
    const value = labels[name]?.trim().toLowerCase();
    if (!value) continue;
    const direct = DIRECT.exec(value);
    if (direct) return `P${direct[1]}` as Severity;
    const mapped = map[value];
    if (mapped) return mapped;
  }
  return null;
}

export interface ComponentRef {
  id: string;
  name: string;
}

/**
 * The components the labels name: a `component` label (or `components`, comma-separated) matching a component's id or
 * name (case-insensitive), and every rule whose label has the rule's value.
 */
export function matchComponents(labels: Record<string, string>, components: ComponentRef[], rules: AlertComponentRule[]): string[] {
  const found = new Set<string>();
  const byKey = new Map<string, string>();
  for (const c of components) {
    byKey.set(c.id.toLowerCase(), c.id);
    byKey.set(c.name.trim().toLowerCase(), c.id);
  }
  const named = [labels.component, ...(labels.components ?? '').split(',')].filter((v): v is string => !!v && !!v.trim());
  for (const n of named) {
    const id = byKey.get(n.trim().toLowerCase());
    if (id) found.add(id);
  }
  const known = new Set(components.map((c) => c.id));
  for (const r of rules) {
    if (labels[r.label] === r.value && known.has(r.componentId)) found.add(r.componentId);
  }
  return [...found];
}
