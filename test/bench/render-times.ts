// Uncached render times of public pages on several databases, in a process of its own: the bench's main process
// holds the heap of seeding 100,000 rows, and its garbage collections would be billed to whichever render
// runs into them. Prints one JSON line: per path, per database, the times below.
//
//   node --import tsx test/bench/render-times.ts <path,path> <databaseUrl> [<databaseUrl> ...]
import { loadAstroHandler } from '../../api/server/astro-render.ts';
import { entryFile } from '../../api/server/build.ts';
import { readConfig } from '../../api/server/config.ts';
import { createPublicRenderer, type PublicRenderer } from '../../api/server/public-render.ts';
import { createRuntime } from '../../api/server/runtime.ts';
import { ROOT } from '../e2e/herald-process.ts';

export interface RenderResult {
  /** A fresh connection's first render of the path: median of 15 fresh connections. */
  first: number;
  firstCpu: number;
  /** On an open connection, the cost of a miss after a write: median of 9 batches of 10 renders, per render. */
  steady: number;
  steadyCpu: number;
  bytes: number;
  html: string;
}

interface Batch {
  /** Per render, over the batch: wall-clock ms, and process CPU ms (on a shared, busy machine wall time mostly
   * measures the neighbours). A batch takes in the garbage collection its renders cause. */
  wall: number;
  cpu: number;
  bytes: number;
  html: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function batch(render: PublicRenderer, path: string, n: number): Promise<Batch> {
  let bytes = 0;
  let html = '';
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    // Between two requests a server's event loop turns, and native memory the renders let go (the driver's
    // statements) is finalized then; a loop of awaits alone never turns it, and that pile grew without end.
    await new Promise((resolve) => setImmediate(resolve));
    const page = await render(path);
    if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
    bytes = page.body.length;
    if (i === 0) html = Buffer.from(page.body).toString('utf8');
  }
  const wall = (performance.now() - t) / n;
  const used = process.cpuUsage(c);
  return { wall, cpu: (used.user + used.system) / 1000 / n, bytes, html };
}

async function main(): Promise<void> {
  const [pathList, ...urls] = process.argv.slice(2);
  if (!pathList || urls.length === 0) throw new Error('usage: render-times.ts <path,path> <databaseUrl>...');
  const paths = pathList.split(',');
  const astro = await loadAstroHandler(entryFile(ROOT));
  const open = async (url: string) => {
    const rt = await createRuntime(readConfig({ DATABASE_URL: url, PUBLIC_URL: 'http://127.0.0.1:4321' }), () => undefined);
    return { rt, render: createPublicRenderer(rt, astro) };
  };
  // Every database's pages 30 times first, so that the JIT has compiled the code all of them take alike (a
  // warm-up on one database alone leaves the others' code cold and bills its compilation to them).
  {
    const opened = await Promise.all(urls.map(open));
    for (let i = 0; i < 30; i++) for (const o of opened) for (const path of paths) await batch(o.render, path, 1);
    for (const o of opened) o.rt.database.close();
  }
  const out: Record<string, RenderResult[]> = {};
  for (const path of paths) {
    // The databases take turns, so that a neighbour's load on this shared machine falls on all of them alike.
    const firsts: Batch[][] = urls.map(() => []);
    for (let i = 0; i < 15; i++) {
      for (const [k, url] of urls.entries()) {
        const { rt, render } = await open(url);
        firsts[k]!.push(await batch(render, path, 1));
        rt.database.close();
      }
    }
    const opened = await Promise.all(urls.map(open));
    const steady: Batch[][] = urls.map(() => []);
    for (let i = 0; i < 9; i++) for (const [k, o] of opened.entries()) steady[k]!.push(await batch(o.render, path, 10));
    for (const o of opened) o.rt.database.close();
    out[path] = urls.map((_, k) => ({
      first: median(firsts[k]!.map((f) => f.wall)),
      firstCpu: median(firsts[k]!.map((f) => f.cpu)),
      steady: median(steady[k]!.map((f) => f.wall)),
      steadyCpu: median(steady[k]!.map((f) => f.cpu)),
      bytes: steady[k]![0]!.bytes,
      html: steady[k]![0]!.html,
    }));
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
