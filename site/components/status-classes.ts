// The colour classes of statuses and impacts; every colour on the page comes with words (the vocabulary's codes in
// api/core/vocabulary.ts, said in the page's language by api/core/i18n: loc.componentStatus(code), loc.impact(code)).
import type { ComponentStatus } from '../../api/core/vocabulary.ts';
import type { Indicator } from '../../api/public/statuspage-types.ts';

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
