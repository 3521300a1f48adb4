// Domain errors: what a store or a route refuses and why, in the domain's words. http/errors.ts maps
// them to HTTP statuses in one place (invalid 400, not_found 404, conflict 409, invalid_transition 422).
export type Refusal = 'invalid' | 'not_found' | 'conflict' | 'invalid_transition';

export class DomainError extends Error {
  constructor(
    readonly refusal: Refusal,
    message: string,
    /** Field-level detail, keyed by the input's field name. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, fields?: Record<string, string>) => new DomainError('invalid', message, fields);
export const notFound = (what = 'resource') => new DomainError('not_found', `No such ${what}.`);
export const conflict = (message: string) => new DomainError('conflict', message);
export const invalidTransition = (message: string) => new DomainError('invalid_transition', message);
