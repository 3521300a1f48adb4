// The roll-up rule: worst of open incidents' impact and component statuses; maintenance only when nothing is broken.
import { describe, expect, it } from 'vitest';
import { INDICATOR_DESCRIPTIONS, rollupStatus, worstComponentStatus } from '../../api/public/status-rollup.ts';

const ok = (n: number) => Array.from({ length: n }, () => 'operational' as const);

describe('rollupStatus', () => {
  it('none: everything operational and no incident', () => {
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: ok(3), maintenanceInProgress: false })).toEqual({
      indicator: 'none',
      description: 'All Systems Operational',
    });
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: [], maintenanceInProgress: false }).indicator).toBe('none');
  });

  it('component statuses: degraded and partial are minor, one major outage is major', () => {
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: [...ok(3), 'degraded_performance'], maintenanceInProgress: false })).toEqual({
      indicator: 'minor',
      description: 'Minor Service Outage',
    });
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: [...ok(3), 'partial_outage'], maintenanceInProgress: false }).indicator).toBe('minor');
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: [...ok(3), 'major_outage'], maintenanceInProgress: false })).toEqual({
      indicator: 'major',
      description: 'Partial System Outage',
    });
  });

  it('critical when more than half of the components are in major outage (exactly half is major)', () => {
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: ['major_outage', 'major_outage', 'operational'], maintenanceInProgress: false })).toEqual({
      indicator: 'critical',
      description: 'Major Service Outage',
    });
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: ['major_outage', 'operational'], maintenanceInProgress: false }).indicator).toBe('major');
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: ['major_outage'], maintenanceInProgress: false }).indicator).toBe('critical');
  });

  it('open incident impacts count as they are; the worst wins', () => {
    const r = (impacts: ('none' | 'minor' | 'major' | 'critical' | 'maintenance')[]) =>
      rollupStatus({ openIncidentImpacts: impacts, componentStatuses: ok(2), maintenanceInProgress: false }).indicator;
    expect(r(['none'])).toBe('none');
    expect(r(['minor'])).toBe('minor');
    expect(r(['minor', 'major'])).toBe('major');
    expect(r(['critical', 'minor'])).toBe('critical');
    expect(r(['maintenance'])).toBe('none');
    expect(rollupStatus({ openIncidentImpacts: ['minor'], componentStatuses: ['major_outage', 'operational'], maintenanceInProgress: false }).indicator).toBe('major');
  });

  it('maintenance only when nothing is broken', () => {
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: ok(2), maintenanceInProgress: true })).toEqual({
      indicator: 'maintenance',
      description: 'Service Under Maintenance',
    });
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: ['under_maintenance', 'operational'], maintenanceInProgress: false }).indicator).toBe('maintenance');
    expect(rollupStatus({ openIncidentImpacts: ['minor'], componentStatuses: ok(2), maintenanceInProgress: true }).indicator).toBe('minor');
    expect(rollupStatus({ openIncidentImpacts: [], componentStatuses: ['under_maintenance', 'partial_outage'], maintenanceInProgress: true }).indicator).toBe('minor');
  });

  it('every indicator has its Statuspage description', () => {
    expect(INDICATOR_DESCRIPTIONS).toEqual({
      none: 'All Systems Operational',
      minor: 'Minor Service Outage',
      major: 'Partial System Outage',
      critical: 'Major Service Outage',
      maintenance: 'Service Under Maintenance',
    });
  });
});

describe('worstComponentStatus (a group\'s status)', () => {
  it('is the worst child, operational when empty', () => {
    expect(worstComponentStatus([])).toBe('operational');
    expect(worstComponentStatus(['operational', 'under_maintenance'])).toBe('under_maintenance');
    expect(worstComponentStatus(['under_maintenance', 'degraded_performance'])).toBe('degraded_performance');
    expect(worstComponentStatus(['partial_outage', 'major_outage', 'operational'])).toBe('major_outage');
  });
});
