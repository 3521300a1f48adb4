// zod at the edge: request parts that fail validation become a 400 with field-level messages.
import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import { z, type RefinementCtx, type ZodString, type ZodTypeAny } from 'zod';
import { badRequest } from '../core/errors.ts';
import { validationError } from './errors.ts';

const isJson = (contentType: string | undefined) => /^application\/([a-z.-]+\+)?json\b/i.test(contentType ?? '');

/** C0/C1 control characters and DEL: a one-line field holding CR/LF could split a calendar line or a header. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * What shows nothing: whitespace, format characters (zero-width spaces and joiners, bidi embeddings, overrides
 * and isolates, the BOM), the combining grapheme joiner and the blank fillers (Hangul, Braille).
 */
const INVISIBLE = /^[\s\p{Cf}\p{Z}\u034f\u115f\u1160\u3164\uffa0\u2800\u180e]*$/u;

function checkLine(value: string, ctx: RefinementCtx): void {
  if (CONTROL.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'Must be one line without control characters (no NUL, tab or line break).' });
  } else if (value.length > 0 && INVISIBLE.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'Must contain a visible character (not only spaces, zero-width or direction marks).' });
  }
}

/**
 * A one-line text field (a name, a title): no control characters and at least one visible character. Wraps the
 * field's own schema, so its length limits and messages stay where they are.
 */
export const oneLine = <T extends ZodString>(schema: T) => schema.superRefine(checkLine);

/** A webhook URL: absolute http(s), no credentials in it (where it may point is checked by core/webhook-address.ts). */
export const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'An absolute http:// or https:// URL without credentials.');

/** The first string in a JSON value holding NUL, as a field path (`title`, `subscriber.email`), or null. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(body)' : null;
  if (depth > 20 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const found = nulPath(inner, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return null;
}

export const jsonBody = <T extends ZodTypeAny>(schema: T) =>
  zValidator('json', schema, (result, c) => {
    if (result.success) {
      // SQLite would keep only what comes before a NUL ("A\u0000B" stored as "A"): refuse it in any field.
      const field = nulPath(result.data, '');
      if (field) throw badRequest('The request has a NUL character (\\u0000) in a text field.', { [field]: 'Must not contain a NUL character.' });
      return;
    }
    // Hono ignores a body not labelled JSON; say so instead of listing every field as missing
    // (curl -d sends application/x-www-form-urlencoded unless told otherwise).
    if (!isJson(c.req.header('content-type'))) throw badRequest('Send the body as JSON, with the header Content-Type: application/json.');
    throw validationError(result.error);
  });

export const queryParams = <T extends ZodTypeAny>(schema: T) =>
  zValidator('query', schema, (result) => {
    if (!result.success) throw validationError(result.error);
    const field = nulPath(result.data, '');
    if (field) throw badRequest('The query has a NUL character (\\u0000).', { [field]: 'Must not contain a NUL character.' });
  });

/** A JSON body that may be absent (an empty POST means "no options"), validated against `schema`. */
export async function optionalJson<T extends ZodTypeAny>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest('Malformed JSON in request body.');
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  const field = nulPath(result.data, '');
  if (field) throw badRequest('The request has a NUL character (\\u0000) in a text field.', { [field]: 'Must not contain a NUL character.' });
  return result.data;
}
