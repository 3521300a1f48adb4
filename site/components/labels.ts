// Words and CSS classes for statuses and impacts: every colour on the page comes with words.
import type { ComponentStatus } from '../../db/schema.ts';
import type { Indicator } from '../../api/public/statuspage-types.ts';
import { COMPONENT_STATUS_LABELS, statusLabel } from '../../api/core/vocabulary.ts';

export const COMPONENT_LABEL = COMPONENT_STATUS_LABELS;

/** Short class names keep 50 components × 90 days of bars small. */
export const COMPONENT_CLASS: Record<ComponentStatus, string> = {
  operational: 'ok',
  degraded_performance: 'mi',
  partial_outage: 'ma',
  major_outage: 'cr',
  under_maintenance: 'mt',
};

export const INDICATOR_CLASS: Record<Indicator, string> = {
  none: 'ok',
  minor: 'mi',
  major: 'ma',
  critical: 'cr',
  maintenance: 'mt',
};


export { statusLabel };

const IMPACT_LABEL: Record<string, string> = {
  none: 'No impact',
  minor: 'Minor impact',
  major: 'Major impact',
  critical: 'Critical impact',
  maintenance: 'Maintenance',
};

export function impactLabel(impact: string): string {
  return IMPACT_LABEL[impact] ?? impact;
}

/** Impact → the colour class of its accent. */
export function impactClass(impact: string): string {
  switch (impact) {
    case 'critical':
      return 'cr';
    case 'major':
      return 'ma';
    case 'minor':
      return 'mi';
    case 'maintenance':
      return 'mt';
    default:
      return 'no';
  }
}

export function isComponentStatus(s: string): s is ComponentStatus {
  return s in COMPONENT_LABEL;
}
