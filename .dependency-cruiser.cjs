// The import rules of README "Layout", checked by `npm run lint` (dependency-cruiser).
// Capability folders under api/, lowest first: each may import the ones before it, never one after it.
const LAYERS = ['core', 'http', 'audit', 'identity', 'components', 'incidents', 'settings', 'maintenance', 'postmortems', 'public', 'alerts', 'response', 'notify'];

const upward = LAYERS.map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `api/${layer}/ may import only ${LAYERS.slice(0, i).join(', ') || 'db/'} (and itself): ${LAYERS.slice(i + 1).join(', ')} sit above it.`,
  severity: 'error',
  from: { path: `^api/${layer}/` },
  to: { path: `^api/(${[...LAYERS.slice(i + 1), 'server', 'cli'].join('|')})/|^api/app\\.ts$` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Imports point one way: no module may reach itself again through its imports (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-db-in-views',
      comment: 'The public site and the console read through api/ (its vocabulary and read models), never db/.',
      severity: 'error',
      from: { path: '^(site|admin)/' },
      to: { path: '^db/' },
    },
    {
      name: 'nothing-imports-server-or-cli',
      comment: 'api/server/ and api/cli/ are the top: they may import anything, and nothing in the product imports them.',
      severity: 'error',
      from: { path: '^(api|site|admin|db)/', pathNot: '^api/(server|cli)/|^site/middleware\\.ts$|^site/pages/api/' },
      to: { path: '^api/(server|cli)/' },
    },
    {
      name: 'dev-runtime-only',
      comment: 'Under `astro dev` only, site/middleware.ts and the dev catch-all build the runtime our server builds in production (lazily).',
      severity: 'error',
      from: { path: '^site/middleware\\.ts$|^site/pages/api/' },
      to: { path: '^api/(server|cli)/', pathNot: '^api/server/dev-runtime\\.ts$' },
    },
    {
      name: 'db-is-the-bottom',
      comment: 'db/ knows nothing of the layers above it.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(api|site|admin)/' },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data|\\.astro)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mjs', '.js', '.astro'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
