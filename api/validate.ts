// zod at the edge: request parts that fail validation become a 400 with field-level messages.
import { zValidator } from '@hono/zod-validator';
import type { ZodTypeAny } from 'zod';
import { validationError } from './errors.ts';

export const jsonBody = <T extends ZodTypeAny>(schema: T) =>
  zValidator('json', schema, (result) => {
    if (!result.success) throw validationError(result.error);
  });

export const queryParams = <T extends ZodTypeAny>(schema: T) =>
  zValidator('query', schema, (result) => {
    if (!result.success) throw validationError(result.error);
  });
