// Astro: the public site lives in site/, the admin console's pages in admin/pages are injected under /admin, and each
// public page again under /<language>/ for every shipped catalogue (api/core/i18n).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { LANGUAGE_TAGS } from './api/core/i18n/locale.ts';

const adminPages = fileURLToPath(new URL('./admin/pages/', import.meta.url));

/** Every .astro/.ts file under admin/pages becomes a route under /admin, as Astro's file routing would. */
function listAdminRoutes(dir = adminPages) {
  const routes = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) routes.push(...listAdminRoutes(full));
    else if (/\.(astro|ts)$/.test(entry.name) && !entry.name.startsWith('_')) {
      const rel = relative(adminPages, full).replace(/\\/g, '/').replace(/\.(astro|ts)$/, '');
      const pattern = ('/admin/' + rel).replace(/\/index$/, '').replace(/^\/admin\/$/, '/admin');
      routes.push({ pattern, entrypoint: './admin/pages/' + relative(adminPages, full).replace(/\\/g, '/') });
    }
  }
  return routes;
}

const adminConsole = {
  name: 'herald-admin',
  hooks: {
    'astro:config:setup': ({ injectRoute, addMiddleware, command }) => {
      for (const route of listAdminRoutes()) injectRoute({ ...route, prerender: false });
      // Under astro dev our server is not in front: the dev middleware builds the runtime (site/ knows no server).
      if (command === 'dev') addMiddleware({ entrypoint: new URL('./api/server/dev-middleware.ts', import.meta.url), order: 'pre' });
    },
  },
};

/** The public pages a language serves under its prefix; each page reads its language from the path. */
const LOCALIZED_PAGES = [
  ['', 'index.astro'],
  ['/history', 'history.astro'],
  ['/incidents/[id]', 'incidents/[id].astro'],
  ['/incidents/[id]/postmortem', 'incidents/[id]/postmortem.astro'],
  ['/subscriptions', 'subscriptions/index.astro'],
  ['/subscriptions/requested', 'subscriptions/requested.astro'],
  ['/subscriptions/confirm', 'subscriptions/confirm.astro'],
  ['/subscriptions/manage', 'subscriptions/manage.astro'],
];

// A literal route per shipped language (not `/[lang]/…`): an address under any other first segment is no route at
// all, so it gets the cached not-found page instead of a render. Which languages a page offers is a setting.
const languages = {
  name: 'herald-languages',
  hooks: {
    'astro:config:setup': ({ injectRoute }) => {
      for (const tag of LANGUAGE_TAGS) {
        for (const [path, file] of LOCALIZED_PAGES) injectRoute({ pattern: `/${tag}${path}`, entrypoint: `./site/pages/${file}`, prerender: false });
      }
    },
  },
};

/**
 * @astrojs/node in middleware mode, with our own server entry (api/server/astro-entry.ts says why): the adapter's
 * settings and build steps as they are, only the module the build wraps into dist/server/entry.mjs is ours.
 */
function nodeMiddleware() {
  const adapter = node({ mode: 'middleware' });
  const configDone = adapter.hooks['astro:config:done'];
  return {
    ...adapter,
    hooks: {
      ...adapter.hooks,
      'astro:config:done': (params) =>
        configDone({
          ...params,
          setAdapter: (a) => params.setAdapter({ ...a, serverEntrypoint: new URL('./api/server/astro-entry.ts', import.meta.url), exports: ['handler'] }),
        }),
    },
  };
}

/**
 * Background jobs run on a worker thread (api/server/background-thread.ts), which loads plain JavaScript: its entry and
 * our modules it imports are bundled into dist/server/background-worker.mjs with every build (packages stay imports).
 */
const backgroundWorker = {
  name: 'herald-background-worker',
  hooks: {
    'astro:build:done': async () => {
      await esbuild({
        entryPoints: [fileURLToPath(new URL('./api/server/background-worker.ts', import.meta.url))],
        outfile: fileURLToPath(new URL('./dist/server/background-worker.mjs', import.meta.url)),
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'warning',
      });
    },
  },
};

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  output: 'server',
  adapter: nodeMiddleware(),
  integrations: [adminConsole, languages, backgroundWorker],
  // Off: behind api/server/server.ts Astro sees every request as http://localhost, so its check would refuse
  // every form post. site/middleware.ts applies the same origin rule as the API, with PUBLIC_URL.
  security: { checkOrigin: false },
  server: { host: '127.0.0.1', port: 4321 },
  devToolbar: { enabled: false },
  telemetry: false,
});
