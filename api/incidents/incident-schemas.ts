// zod pieces shared by the incident, update and (later) maintenance routes.
import { z } from 'zod';
import { COMPONENT_STATUSES } from '../../db/schema.ts';

export const markdown = z.string().trim().min(1, 'Required.').max(50_000, 'At most 50,000 characters.');

/** `{ "<component id>": "<component status>" }`. */
export const componentMap = z
  .record(z.string().min(1).max(100), z.enum(COMPONENT_STATUSES))
  .refine((m) => Object.keys(m).length <= 500, 'At most 500 components.');

/** An ISO-8601 time with a zone (Z or an offset), as a Date. */
export const isoTime = z
  .string()
  .datetime({ offset: true, message: 'An ISO-8601 time, e.g. 2026-01-31T12:00:00Z.' })
  .transform((s) => new Date(s));

export const userRef = z.string().min(1).max(100).nullable();
