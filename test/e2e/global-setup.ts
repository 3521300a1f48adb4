// Before any spec: build dist/ when it is missing or stale (locked, so parallel runs do not build twice).
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../api/server/build.ts';

export default async function globalSetup(): Promise<void> {
  await ensureBuilt(fileURLToPath(new URL('../..', import.meta.url)), (line) => console.log(`[herald] ${line}`));
}
