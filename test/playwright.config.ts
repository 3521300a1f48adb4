// Playwright: real Chromium (Debian's, never a download) against the real built server, one per spec file.
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const executablePath = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  // Two cores: two workers, each with its own server and database.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Every timeout of the browser tests, in this one place. Generous on purpose: a 2-core machine runs two
  // workers, each with a server and a Chromium, often beside other work. Nothing here measures speed; a
  // test that checks a time bound (two-instances.spec.ts: within one second) says so itself.
  // The longest tests (postmortem, export with its three CLI runs, maintenance) take 30-45 s on a quiet
  // machine and went past 120 s with the machine's load average above 20.
  timeout: 240_000,
  expect: {
    timeout: 15_000,
    // expect(...).toPass(): retrying blocks that reload a page until a background job shows its effect.
    toPass: { timeout: 60_000 },
  },
  reporter: [['list']],
  outputDir: '../test-results',
  use: {
    browserName: 'chromium',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
