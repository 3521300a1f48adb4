// The API names fields as the API does (scheduled_until); the console's forms say what their labels say (Ends).
// Errors the console shows are rewritten here, so a person never reads an internal field name.

/** The part of an API error this reads (api.ts's ApiErrorBody). */
interface ErrorLike {
  message: string;
  fields?: Record<string, string> | undefined;
}

/** API field → the label of the console field that holds it. */
export const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  severity: 'Severity',
  status: 'Status',
  stage: 'Internal stage',
  message: 'Message',
  components: 'Components',
  component_ids: 'Components',
  notify: 'Notify subscribers',
  publish_at: 'Schedule for',
  started_at: 'Started',
  commander_id: 'Incident commander',
  tech_lead_id: 'Technical lead',
  comms_lead_id: 'Communications lead',
  name: 'Name',
  description: 'Description',
  group_id: 'Group',
  position: 'Position',
  start_date: 'Start date',
  email: 'Email',
  password: 'Password',
  current_password: 'Current password',
  new_password: 'New password',
  role: 'Role',
  scope: 'Scope',
  scheduled_for: 'Starts',
  scheduled_until: 'Ends',
  auto_start: 'Start automatically',
  auto_complete: 'Complete automatically',
  remind_before_minutes: 'Remind subscribers',
  summary: 'Summary',
  timeline: 'Timeline',
  root_cause: 'Root cause analysis',
  impact: 'Impact assessment',
  remediation: 'Remediation steps',
  lessons: 'Lessons learned',
  external_url: 'External postmortem',
  owner_id: 'Owner',
  due_at: 'Due',
  url: 'URL',
  page_name: 'Page name',
  public_url: 'Public URL',
  time_zone: 'Time zone',
  logo_url: 'Logo URL',
  body: 'Message',
  // the response team's forms
  security: 'Security incident',
  reason: 'Reason',
  level: 'Page',
  kind: 'Kind',
  address: 'Address',
  user_id: 'User',
  incident_id: 'Incident',
  alert_status: 'When an alert for it fires',
  alert_severity_map: 'Severity from the severity or priority label',
  alert_component_rules: 'Components from other labels',
  ack_timeout_minutes: 'Acknowledge within',
  page_on_open: 'Page level 1 on open',
  update_reminder_minutes: 'Remind the communications lead',
};

/** The form field an API field's error belongs to: `components.<id>` is the components picker. */
export const formFieldOf = (apiField: string): string => (apiField.startsWith('components') ? 'components' : apiField);

function labelOf(apiField: string, labels: Record<string, string> = FIELD_LABELS): string {
  const key = formFieldOf(apiField);
  if (labels[key]) return labels[key];
  // severities.P1.cadence_minutes and the like: the last part, in words.
  const last = key.split('.').at(-1) ?? key;
  const words = labels[last] ?? last.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const FIELD_NAMES = new RegExp(`\\s*\\((?:${Object.keys(FIELD_LABELS).join('|')})\\)|\\b(${Object.keys(FIELD_LABELS).filter((k) => k.includes('_')).join('|')})\\b`, 'g');

/** A message without internal field names: "(scheduled_for)" goes, "scheduled_until" becomes "Ends". */
export function humanize(message: string, labels: Record<string, string> = FIELD_LABELS): string {
  return message.replace(FIELD_NAMES, (_match, name: string | undefined) => (name ? labelOf(name, labels) : ''));
}

/** The message for the whole form: each field's problem by its label, or the API's message in words. */
export function formMessage(error: ErrorLike, labels: Record<string, string> = FIELD_LABELS): string {
  const entries = Object.entries(error.fields ?? {});
  if (!entries.length) return humanize(error.message.replace(/^The request is not valid: /, ''), labels);
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const [field, problem] of entries) {
    const label = field === '_' ? '' : labelOf(field, labels);
    const line = label ? `${label}: ${humanize(problem, labels)}` : humanize(problem, labels);
    if (!seen.has(line)) parts.push(line);
    seen.add(line);
  }
  return `Check ${entries.length === 1 ? 'this field' : 'these fields'}: ${parts.map((p) => p.replace(/\.$/, '')).join('; ')}.`;
}
