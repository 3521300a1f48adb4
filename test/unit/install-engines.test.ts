// `npm ci` is clean on every Node version package.json's engines allow: no locked package asks for a newer one
// (undici 8, pulled in by Astro's font provider unifont 0.7.5, wanted Node ≥ 22.19 while we said ≥ 20).
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};

/** The lowest version of each part of our range: "^20.19.0 || ^22.13.0 || >=24" → 20.19.0, 22.13.0, 24.0.0. */
const floors = new semver.Range(pkg.engines.node).set.map((comparators) => semver.minVersion(new semver.Range(comparators.map((c) => c.value).join(' ')))!.version);

describe('engines', () => {
  it('names Node 20 as the oldest it supports, at the version its dependencies need', () => {
    expect(floors[0]).toMatch(/^20\./);
  });

  it.each(floors)('every locked package accepts Node %s', (node) => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(node, p.engines.node))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  it('has no undici in the tree (Astro accepts unifont 0.7.4, which does not use it)', () => {
    expect(Object.keys(lock.packages).filter((p) => p.endsWith('node_modules/undici'))).toEqual([]);
  });
});
