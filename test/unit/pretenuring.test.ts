// Why `npm start` runs node with --no-allocation-site-pretenuring, on the Node that runs the tests. V8 tenures an
// allocation site (makes its objects in the old generation from then on, for the life of the process) when a
// young-generation collection finds most of the site's recent objects alive while the new space is at its full
// size. Under load, one young collection that finds a burst of process.nextTick's tick objects alive is enough.
// Every tick object is then made old, and holds the young objects it points to (its arguments: streams, requests,
// responses) alive through every young collection until the next full one. test/support/pretenure-probe.ts makes
// that burst and reports where the next tick objects are made.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startNodeFlags } from '../support/start-flags.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FLAG = '--no-allocation-site-pretenuring';

async function madeYoung(flags: string[]): Promise<boolean[]> {
  const args = [...flags, '--expose-gc', '--allow-natives-syntax', '--min-semi-space-size=16', '--max-semi-space-size=16', '--import', 'tsx', 'test/support/pretenure-probe.ts'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  expect(code).toBe(0);
  return JSON.parse(out) as boolean[];
}

describe('allocation-site pretenuring', () => {
  it('npm start turns it off', () => {
    expect(startNodeFlags()).toContain(FLAG);
  });

  it('with npm start’s flags, tick objects stay young after a burst of them outlived a collection', async () => {
    expect(await madeYoung(startNodeFlags())).toEqual([true, true, true, true, true]);
  });

  it('without the flag, that burst tenures process.nextTick’s allocation sites: later tick objects are made old', async () => {
    const answers = await madeYoung(startNodeFlags().filter((f) => f !== FLAG));
    expect(answers).toContain(false);
  });
});
