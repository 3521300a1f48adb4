// `npm start` builds the Astro app first when dist/ is missing or older than its sources.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** What the build reads: when any of these is newer than dist/server/entry.mjs, dist/ is stale. */
const BUILD_SOURCES = ['site', 'admin', 'api', 'db', 'astro.config.mjs', 'package.json', 'tsconfig.json'];

export function entryFile(root: string): string {
  return join(root, 'dist', 'server', 'entry.mjs');
}

async function newestMtime(path: string, depth = 0): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  // Bounded: the source tree is shallow; anything deeper than this is not ours.
  if (depth > 12) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(join(path, entry.name), depth + 1));
  }
  return newest;
}

/** Why dist/ needs a build, or null when it is up to date. */
async function staleReason(root: string): Promise<string | null> {
  const entry = entryFile(root);
  if (!existsSync(entry)) return 'dist/ has no build yet';
  const built = statSync(entry).mtimeMs;
  for (const source of BUILD_SOURCES) {
    if ((await newestMtime(join(root, source))) > built) return `${source} changed since the last build`;
  }
  return null;
}

function runAstroBuild(root: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolveBuild, reject) => {
    const astroBin = join(root, 'node_modules', 'astro', 'astro.js');
    log(`building the site: node ${astroBin} build`);
    const child = spawn(process.execPath, [astroBin, 'build'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolveBuild();
      else reject(new Error(`astro build failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds when stale. A lock folder keeps two servers started together from building into one dist/ at once;
 * the second waits, then finds the build fresh.
 */
export async function ensureBuilt(rootDir: string, log: (line: string) => void): Promise<void> {
  const root = resolve(rootDir);
  let reason = await staleReason(root);
  if (!reason) return;
  const lock = join(root, 'node_modules', '.herald-build.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // An abandoned lock (a build killed midway) is older than any real build takes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone already
      }
      if (Date.now() > deadline) throw new Error(`waited too long for another build (lock ${lock})`);
      await sleep(500);
    }
  }
  try {
    reason = await staleReason(root);
    if (!reason) return;
    log(`dist/ is stale: ${reason}`);
    const started = Date.now();
    await runAstroBuild(root, log);
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
