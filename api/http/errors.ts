// The API's error shape: { error: { code, message, fields? } } with the right status; HTTP-only errors (401, 403, 429…).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { badRequest, DomainError, type Refusal } from '../core/errors.ts';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const forbidden = (message = 'You are not allowed to do this.') => new ApiError(403, 'forbidden', message);
export const unauthorized = () => new ApiError(401, 'unauthorized', 'Sign in or send an API token.');

/** Field-level messages from a zod error, keyed by dotted path ("components.abc"). */
function zodFields(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function validationError(error: ZodError): DomainError {
  const fields = zodFields(error);
  const summary = Object.entries(fields)
    .map(([k, v]) => (k === '_' ? v : `${k}: ${v}`))
    .join('; ');
  return badRequest(`The request is not valid: ${summary}`, fields);
}

export function errorBody(code: string, message: string, fields?: Record<string, string>) {
  return { error: fields ? { code, message, fields } : { code, message } };
}

/** The one place a domain refusal becomes an HTTP status and an error code. */
const REFUSALS: Record<Refusal, { status: ContentfulStatusCode; code: string }> = {
  invalid: { status: 400, code: 'invalid_input' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  invalid_transition: { status: 422, code: 'invalid_transition' },
};

/** Hono's onError: domain errors, ApiErrors and HTTPExceptions become JSON; anything else is a logged 500. */
export function handleError(err: Error, c: Context, log?: (line: string) => void): Response {
  if (err instanceof DomainError) {
    const { status, code } = REFUSALS[err.refusal];
    return c.json(errorBody(code, err.message, err.fields), status);
  }
  if (err instanceof ApiError) {
    if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json(errorBody(err.code, err.message, err.fields), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'body_too_large' : status === 400 ? 'invalid_input' : 'http_error';
    return c.json(errorBody(code, err.message || 'Bad request.'), status as ContentfulStatusCode);
  }
  log?.(`error ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
  return c.json(errorBody('internal_error', 'Something went wrong on our side.'), 500);
}
