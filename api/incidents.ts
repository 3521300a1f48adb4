// (being written)
import { Hono } from 'hono';
import type { AppEnv } from './access.ts';

export function incidentRoutes() {
  const r = new Hono<AppEnv>();
  return r;
}
