// The overall status ("roll-up"): one indicator and description from open incidents and component statuses.
import type { ComponentStatus, Impact } from '../../db/schema.ts';
import { COMPONENT_STATUS_RANK } from '../core/vocabulary.ts';
import type { Indicator, StatusJson } from './statuspage-types.ts';

/*
 * Herald's roll-up rule (quoted in the README):
 *
 *   The indicator is the worst of these, in the order none < minor < major < critical:
 *   - each open (published, not resolved) incident's impact: none, minor, major or critical;
 *   - each component's status: degraded_performance → minor, partial_outage → minor,
 *     major_outage → major, and critical when more than half of all components are in
 *     major_outage;
 *   - under_maintenance and operational components count as none.
 *   When that worst is `none` but a maintenance is in progress (status in_progress or verifying)
 *   or a component is under_maintenance, the indicator is `maintenance`.
 *
 *   indicator    description
 *   none         All Systems Operational
 *   minor        Minor Service Outage
 *   major        Partial System Outage
 *   critical     Major Service Outage
 *   maintenance  Service Under Maintenance
 *
 * Why: clients (widgets, bots) key on `indicator` as Statuspage computes it, where a single
 * component down is "major" and the page only turns "critical" when most of it is down or when a
 * person declared a critical (P1) incident. Maintenance never hides an outage: it shows only when
 * nothing is broken.
 */

export const INDICATOR_DESCRIPTIONS: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
  maintenance: 'Service Under Maintenance',
};

type Severity = 'none' | 'minor' | 'major' | 'critical';
const RANK: Record<Severity, number> = { none: 0, minor: 1, major: 2, critical: 3 };

const COMPONENT_SEVERITY: Record<ComponentStatus, Severity> = {
  operational: 'none',
  under_maintenance: 'none',
  degraded_performance: 'minor',
  partial_outage: 'minor',
  major_outage: 'major',
};

export interface RollupInput {
  /** Impacts of open, published incidents (kind incident). `maintenance` impacts are ignored. */
  openIncidentImpacts: readonly Impact[];
  /** Statuses of the real components (groups excluded: their status is derived from these). */
  componentStatuses: readonly ComponentStatus[];
  /** True when a published maintenance is in_progress or verifying. */
  maintenanceInProgress: boolean;
}

const worse = (a: Severity, b: Severity): Severity => (RANK[b] > RANK[a] ? b : a);

/** Applies the rule above. */
export function rollupStatus(input: RollupInput): StatusJson {
  let worst: Severity = 'none';
  for (const impact of input.openIncidentImpacts) {
    if (impact !== 'maintenance') worst = worse(worst, impact);
  }
  let majorOutages = 0;
  let underMaintenance = false;
  for (const status of input.componentStatuses) {
    worst = worse(worst, COMPONENT_SEVERITY[status]);
    if (status === 'major_outage') majorOutages += 1;
    if (status === 'under_maintenance') underMaintenance = true;
  }
  if (majorOutages * 2 > input.componentStatuses.length) worst = 'critical';
  const indicator: Indicator =
    worst === 'none' && (input.maintenanceInProgress || underMaintenance) ? 'maintenance' : worst;
  return { indicator, description: INDICATOR_DESCRIPTIONS[indicator] };
}

/** A group's status: its worst child's (by the vocabulary's rank), `operational` for an empty group. */
export function worstComponentStatus(statuses: readonly ComponentStatus[]): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const s of statuses) if (COMPONENT_STATUS_RANK[s] > COMPONENT_STATUS_RANK[worst]) worst = s;
  return worst;
}
