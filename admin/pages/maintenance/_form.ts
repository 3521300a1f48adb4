// The maintenance form's values: read from a post, turned into the API's body (times in the page's zone → UTC), and back from the API.
import type { MaintenanceOut } from '../../../api/maintenance/maintenance-routes.ts';
import { all, checked, raw, text } from '../../lib/forms.ts';
import { readWallTime, utcToWallTime, wallTimeToUtc } from '../../lib/zoned.ts';

export interface MaintenanceFormValues {
  title: string;
  message: string;
  components: string[];
  scheduledFor: string;
  scheduledUntil: string;
  autoStart: boolean;
  autoComplete: boolean;
  /** '' for no reminder, else minutes. */
  remind: string;
  notify: boolean;
}

export const REMIND_OPTIONS = [
  { value: '', label: 'No reminder' },
  { value: '15', label: '15 minutes before' },
  { value: '30', label: '30 minutes before' },
  { value: '60', label: '1 hour before' },
  { value: '120', label: '2 hours before' },
  { value: '1440', label: '1 day before' },
  { value: '2880', label: '2 days before' },
];

const HOUR = 3_600_000;

/** A new form: tomorrow at the next full hour, for two hours, starting and completing by itself. */
export function defaultValues(now: Date, timeZone: string): MaintenanceFormValues {
  const start = Math.ceil((now.getTime() + 24 * HOUR) / HOUR) * HOUR;
  return {
    title: '',
    message: '',
    components: [],
    scheduledFor: utcToWallTime(start, timeZone),
    scheduledUntil: utcToWallTime(start + 2 * HOUR, timeZone),
    autoStart: true,
    autoComplete: true,
    remind: '60',
    notify: true,
  };
}

export function valuesOf(m: MaintenanceOut, timeZone: string): MaintenanceFormValues {
  return {
    title: m.title,
    message: m.message,
    components: m.component_ids,
    scheduledFor: m.scheduled_for ? utcToWallTime(new Date(m.scheduled_for), timeZone) : '',
    scheduledUntil: m.scheduled_until ? utcToWallTime(new Date(m.scheduled_until), timeZone) : '',
    autoStart: m.auto_start,
    autoComplete: m.auto_complete,
    remind: m.remind_before_minutes === null ? '' : String(m.remind_before_minutes),
    notify: true,
  };
}

export function readMaintenanceForm(form: FormData): MaintenanceFormValues {
  return {
    title: text(form, 'title'),
    message: raw(form, 'message'),
    components: all(form, 'components'),
    scheduledFor: readWallTime(form, 'scheduled_for'),
    scheduledUntil: readWallTime(form, 'scheduled_until'),
    autoStart: checked(form, 'auto_start'),
    autoComplete: checked(form, 'auto_complete'),
    remind: text(form, 'remind_before_minutes'),
    notify: checked(form, 'notify'),
  };
}

export interface BuiltBody {
  body: Record<string, unknown> | null;
  fields: Record<string, string>;
}

/** The API body; times the browser sent that cannot be read become field errors before any request. */
export function maintenanceBody(v: MaintenanceFormValues, timeZone: string, opts: { create: boolean; started?: boolean }): BuiltBody {
  const fields: Record<string, string> = {};
  const from = wallTimeToUtc(v.scheduledFor, timeZone);
  const until = wallTimeToUtc(v.scheduledUntil, timeZone);
  if (!opts.started && !from) fields.scheduled_for = 'Choose when the maintenance starts.';
  if (!until) fields.scheduled_until = 'Choose when the maintenance ends.';
  const remind = v.remind === '' ? null : Number(v.remind);
  if (remind !== null && (!Number.isInteger(remind) || remind < 1)) fields.remind_before_minutes = 'Choose a reminder time.';
  if (Object.keys(fields).length) return { body: null, fields };
  const body: Record<string, unknown> = {
    title: v.title,
    message: v.message,
    components: v.components,
    scheduled_until: until?.toISOString(),
    auto_start: v.autoStart,
    auto_complete: v.autoComplete,
  };
  // Once started, the start time and reminder are history: the API refuses to change them.
  if (!opts.started) {
    body.scheduled_for = from?.toISOString();
    body.remind_before_minutes = remind;
  }
  if (opts.create) body.notify = v.notify;
  return { body, fields };
}
