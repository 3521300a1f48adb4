// The node flags `npm start` gives the server, read from package.json's start script: the one place they are set.
// Probes of V8's behaviour and the bench's bare baseline run node with them too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export function startNodeFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const flags = /^exec node ((?:--[\w-]+ )*)--import tsx /.exec(start)?.[1];
  if (flags === undefined) throw new Error(`package.json's start script is not "exec node <flags> --import tsx …": ${start}`);
  return flags.trim().split(' ').filter(Boolean);
}
