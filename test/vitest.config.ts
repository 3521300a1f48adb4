// vitest: unit and API tests (test/**/*.test.ts); e2e/ is Playwright's.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Budgets, not speed checks: a test that starts Node processes (admin-create.test.ts runs the CLI four times
    // in a row, each compiling through tsx) needs well over 20 s on a 2-core machine under load.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
