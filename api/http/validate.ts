// zod at the edge: request parts that fail validation become a 400 with field-level messages.
import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import type { z, ZodTypeAny } from 'zod';
import { badRequest } from '../core/errors.ts';
import { validationError } from './errors.ts';

const isJson = (contentType: string | undefined) => /^application\/([a-z.-]+\+)?json\b/i.test(contentType ?? '');

export const jsonBody = <T extends ZodTypeAny>(schema: T) =>
  zValidator('json', schema, (result, c) => {
    if (result.success) return;
    // Hono ignores a body not labelled JSON; say so instead of listing every field as missing
    // (curl -d sends application/x-www-form-urlencoded unless told otherwise).
    if (!isJson(c.req.header('content-type'))) throw badRequest('Send the body as JSON, with the header Content-Type: application/json.');
    throw validationError(result.error);
  });

export const queryParams = <T extends ZodTypeAny>(schema: T) =>
  zValidator('query', schema, (result) => {
    if (!result.success) throw validationError(result.error);
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
  return result.data;
}
