// createApp(deps): the Hono app that holds every read and write of the domain.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { authenticate } from './identity/authenticate.ts';
import { csrfGuard, type AppEnv } from './http/access.ts';
import type { AppDeps } from './core/deps.ts';
import { errorBody, handleError } from './http/errors.ts';
import { authRoutes } from './identity/auth-routes.ts';
import { userRoutes } from './identity/user-routes.ts';
import { tokenRoutes } from './identity/token-routes.ts';
import { componentRoutes } from './components/component-routes.ts';
import { incidentRoutes } from './incidents/incident-routes.ts';
import { settingsRoutes } from './settings/settings-routes.ts';
import { statuspageRoutes } from './public/statuspage-routes.ts';
import { feedRoutes } from './public/feed-routes.ts';
import { icalRoutes } from './public/ical-routes.ts';
import { maintenanceRoutes } from './maintenance/maintenance-routes.ts';
import { postmortemRoutes } from './postmortems/postmortem-routes.ts';
import { actionItemRoutes } from './incidents/action-item-routes.ts';
import { previewRoutes } from './incidents/preview-routes.ts';
import { templateRoutes } from './incidents/template-routes.ts';
import { consoleSubscriberRoutes, publicSubscriptionRoutes } from './notify/subscriber-routes.ts';
import { webhookRoutes } from './notify/webhook-routes.ts';
import { outboxRoutes } from './notify/outbox-routes.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import { alertRoutes } from './alerts/alert-routes.ts';
import { escalationRoutes } from './response/escalation-routes.ts';
import { stakeholderRoutes } from './response/stakeholder-routes.ts';

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
  app.route('/api/v1', alertRoutes());
  app.route('/api/v1', escalationRoutes());
  app.route('/api/v1', stakeholderRoutes());
  app.route('/', feedRoutes());
  app.route('/', icalRoutes());
  app.all('/api/*', (c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
