// The response team in forms: escalation reasons and levels to choose from, contact kinds.
import type { EscalationOut } from '../../api/response/escalation-settings.ts';
import { plural } from './wording.ts';
import { CONTACT_KIND_LABELS, ESCALATION_REASONS, PAGE_REASON_LABELS } from '../../api/core/vocabulary.ts';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The four reasons our procedure gives for escalating; the first option asks for one. */
export const escalationReasonOptions = [
  { value: '', label: 'Choose a reason…' },
  ...ESCALATION_REASONS.map((r) => ({ value: r, label: capital(PAGE_REASON_LABELS[r] ?? r) })),
];

/**
 * The levels one may page from `escalationLevel` (0..3, 0 = on-call engineer): the next level first (the default),
 * then those above, then the current one again; each with how many contacts it has.
 */
export function escalationLevelOptions(e: EscalationOut, escalationLevel: number): { value: string; label: string }[] {
  const position = escalationLevel + 1;
  const describe = (level: number, again = false) => {
    const l = e.levels.find((x) => x.level === level);
    const n = l?.contacts.length ?? 0;
    return { value: String(level), label: `${again ? 'Page again: ' : ''}${level}. ${l?.name ?? `Level ${level}`} (${n ? plural(n, 'contact') : 'no contacts'})` };
  };
  const above = e.levels.filter((l) => l.level > position).map((l) => describe(l.level));
  return [...above, describe(position, true)].filter((o) => Number(o.value) <= 4);
}

/** Contact kinds, in the order the forms offer them. */
export const contactKindOptions = (['user', 'email', 'slack', 'teams', 'discord', 'webhook'] as const).map((k) => ({ value: k, label: CONTACT_KIND_LABELS[k] }));
export const stakeholderKindOptions = (['email', 'slack', 'teams', 'discord', 'webhook'] as const).map((k) => ({ value: k, label: CONTACT_KIND_LABELS[k] }));
