// Console errors speak the form's labels, never the API's field names.
import { describe, expect, it } from 'vitest';
import { errorText, formErrors } from '../../admin/lib/api.ts';
import { maintenanceBody, readMaintenanceForm } from '../../admin/pages/maintenance/_form.ts';
import { makeTestApp, userWithSession, json } from '../support/app.ts';

describe('formErrors', () => {
  it('names fields by their labels in the form message and in each field message', () => {
    const e = formErrors({
      code: 'invalid_input',
      message: 'The request is not valid: scheduled_until: Must be after the start (scheduled_for).',
      fields: { scheduled_until: 'Must be after the start (scheduled_for).' },
    });
    expect(e.form).toBe('Check this field: Ends: Must be after the start.');
    expect(e.fields.scheduled_until).toBe('Must be after the start.');
    expect(`${e.form} ${Object.values(e.fields).join(' ')}`).not.toMatch(/scheduled_|_at\b|_id\b/);
  });

  it('words a message with no fields, and nested setting fields', () => {
    expect(errorText({ code: 'conflict', message: 'The request is not valid: remind_before_minutes is fixed once started.' })).toBe('Remind subscribers is fixed once started.');
    expect(formErrors({ code: 'invalid_input', message: 'x', fields: { 'severities.P1.cadence_minutes': 'At least 1.', time_zone: 'An IANA time zone.' } }).form).toBe(
      'Check these fields: Cadence minutes: At least 1; Time zone: An IANA time zone.',
    );
  });

  it('turns the API’s real answer for a window ending before it starts into the form’s words', async () => {
    const t = await makeTestApp({ memory: true });
    try {
      const owner = await userWithSession(t, 'owner');
      const form = new FormData();
      for (const [k, v] of Object.entries({ title: 'Upgrade', message: 'Brief resets.', scheduled_for: '2026-01-02T10:00', scheduled_until: '2026-01-02T09:00' })) form.append(k, v);
      const built = maintenanceBody(readMaintenanceForm(form), 'Etc/UTC', { create: true });
      const res = await t.app.request('/api/v1/maintenances', json('POST', built.body, owner.headers));
      expect(res.status).toBe(400);
      const e = formErrors(((await res.json()) as { error: Parameters<typeof formErrors>[0] }).error);
      expect(e.form).toBe('Check this field: Ends: Must be after the start.');
    } finally {
      t.close();
    }
  });
});
