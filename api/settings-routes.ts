// (being written)
import { Hono } from 'hono';
import type { AppEnv } from './access.ts';

export function settingsRoutes() {
  const r = new Hono<AppEnv>();
  return r;
}
