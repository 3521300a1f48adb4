// The Statuspage public API v2 shapes Herald serves under /api/v2 (see shared/statuspage-v2.md).
import type { ComponentStatus } from '../../db/schema.ts';

export interface PageJson {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export interface StatusJson {
  indicator: Indicator;
  description: string;
}

export interface ComponentJson {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  /** Only on groups: the ids of their children. */
  components?: string[];
}

interface AffectedComponentJson {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

export interface IncidentUpdateJson {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: AffectedComponentJson[] | null;
  deliver_notifications: boolean;
  custom_tweet: null;
  tweet_id: null;
}

export interface IncidentJson {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: string;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: IncidentUpdateJson[];
  components: ComponentJson[];
  /** Herald extra: the public postmortem URL once one is published (ours or external). */
  postmortem_url?: string | null;
}

export interface ScheduledMaintenanceJson extends IncidentJson {
  scheduled_for: string | null;
  scheduled_until: string | null;
}

export interface SummaryJson {
  page: PageJson;
  components: ComponentJson[];
  incidents: IncidentJson[];
  scheduled_maintenances: ScheduledMaintenanceJson[];
  status: StatusJson;
}

/** The other envelopes: `page` first, then the payload. */
export interface StatusResponse {
  page: PageJson;
  status: StatusJson;
}

export interface ComponentsResponse {
  page: PageJson;
  components: ComponentJson[];
}

export interface IncidentsResponse {
  page: PageJson;
  incidents: IncidentJson[];
}

export interface MaintenancesResponse {
  page: PageJson;
  scheduled_maintenances: ScheduledMaintenanceJson[];
}

/** An incident or a maintenance: maintenances carry `scheduled_for` / `scheduled_until`. */
export type AnyIncidentJson = IncidentJson | ScheduledMaintenanceJson;

export function isMaintenanceJson(x: AnyIncidentJson): x is ScheduledMaintenanceJson {
  return 'scheduled_for' in x;
}
