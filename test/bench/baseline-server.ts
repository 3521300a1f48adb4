// The ceiling: a bare node:http server answering fixed bytes from memory (`node baseline-server.ts <port> <pages.json>`).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { keepTickShape } from '../../api/server/tick-shape.ts';

interface Page {
  headers: Record<string, string>;
  body: string;
}

// The ceiling is node:http at its best: without this, a bare server that has idled while Herald was measured can fall
// into V8's slow way of making tick objects for the rest of the run (api/server/tick-shape.ts), as Herald could.
keepTickShape();

const [portArg, file] = process.argv.slice(2);
const pages = JSON.parse(readFileSync(file!, 'utf8')) as Record<string, Page>;
const ready = new Map(Object.entries(pages).map(([path, p]) => [path, { headers: p.headers, body: Buffer.from(p.body, 'base64') }]));

createServer((req, res) => {
  const page = ready.get(req.url ?? '/');
  if (!page) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, page.headers);
  res.end(page.body);
}).listen(Number(portArg), '127.0.0.1', () => process.stdout.write('ready\n'));

process.on('SIGTERM', () => process.exit(0));
