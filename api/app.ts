// createApp(deps): the Hono app that holds every read and write of the domain.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { authenticate, csrfGuard, type AppEnv } from './access.ts';
import type { AppDeps } from './deps.ts';
import { errorBody, handleError } from './errors.ts';
import { authRoutes } from './auth.ts';
import { userRoutes } from './users.ts';
import { tokenRoutes } from './tokens.ts';
import { componentRoutes } from './components.ts';
import { incidentRoutes } from './incidents.ts';
import { settingsRoutes } from './settings-routes.ts';
import { statuspageRoutes } from './statuspage.ts';
import { feedRoutes } from './feeds.ts';
import { icalRoutes } from './ical.ts';
import { maintenanceRoutes } from './maintenances.ts';
import { postmortemRoutes } from './postmortems.ts';
import { actionItemRoutes } from './action-items.ts';
import { previewRoutes } from './preview.ts';
import { templateRoutes } from './templates.ts';
import { consoleSubscriberRoutes, publicSubscriptionRoutes } from './subscribers.ts';
import { webhookRoutes } from './webhooks.ts';
import { outboxRoutes } from './outbox-routes.ts';
import { auditRoutes } from './audit-routes.ts';

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => handleError(err, c, deps.log));
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
      onError: (c) => c.json(errorBody('body_too_large', `The request body is larger than ${deps.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes.`), 413),
    }),
  );
  app.use('/api/v2/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'] }));
  app.use('/api/*', authenticate, csrfGuard);

  app.route('/api/v2', statuspageRoutes());
  app.route('/api/v2', publicSubscriptionRoutes());
  app.route('/api/auth', authRoutes());
  app.route('/api/v1', userRoutes());
  app.route('/api/v1', tokenRoutes());
  app.route('/api/v1', componentRoutes());
  app.route('/api/v1', incidentRoutes());
  app.route('/api/v1', settingsRoutes());
  app.route('/api/v1', maintenanceRoutes());
  app.route('/api/v1', postmortemRoutes());
  app.route('/api/v1', actionItemRoutes());
  app.route('/api/v1', previewRoutes());
  app.route('/api/v1', templateRoutes());
  app.route('/api/v1', consoleSubscriberRoutes());
  app.route('/api/v1', webhookRoutes());
  app.route('/api/v1', outboxRoutes());
  app.route('/api/v1', auditRoutes());
  app.route('/', feedRoutes());
  app.route('/', icalRoutes());
  app.all('/api/*', (c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
