// dependency-cruiser cannot read .astro files: this applies the same forbidden rules (.dependency-cruiser.cjs)
// to the imports in every .astro file's frontmatter and script, so pages and components obey them too.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

interface PathRule {
  path?: string;
  pathNot?: string;
}
interface Rule {
  name: string;
  comment?: string;
  from: PathRule;
  to: PathRule & { circular?: boolean };
}

const root = resolve(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as { forbidden: Rule[] };
const rules = config.forbidden.filter((r) => r.to.path && !r.to.circular);

function astroFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return astroFiles(full);
    return e.name.endsWith('.astro') ? [full] : [];
  });
}

const matches = (p: PathRule, path: string) => (!p.path || new RegExp(p.path).test(path)) && (!p.pathNot || !new RegExp(p.pathNot).test(path));
const IMPORT = /(?:^|\n)\s*import\s[^'"]*?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const problems: string[] = [];
let checked = 0;
for (const file of ['site', 'admin'].flatMap((d) => astroFiles(join(root, d)))) {
  const from = relative(root, file);
  checked += 1;
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? '';
    if (!spec.startsWith('.')) continue;
    const to = relative(root, resolve(dirname(file), spec));
    for (const rule of rules) {
      if (matches(rule.from, from) && matches(rule.to, to)) problems.push(`  error ${rule.name}: ${from} → ${to}`);
    }
  }
}
if (problems.length) {
  console.error(`${problems.join('\n')}\n\nx ${problems.length} dependency violation(s) in .astro files (${checked} checked).`);
  process.exit(1);
}
console.log(`✔ no dependency violations in ${checked} .astro files`);
