// A webhook receiver on loopback (node:http): records each request and answers from a script of statuses.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver's check found wrong with the body (it then answered 400, as the real service would). */
  problems: string[];
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Statuses to answer with, in order; when used up, `then` (default 200). */
  script: number[];
  then: number;
  close(): Promise<void>;
}

/**
 * `check` stands in for a service that validates what it is sent (Discord, Teams): a body with problems gets a 400
 * with them, the rest the scripted status.
 */
export async function startWebhookReceiver(script: number[] = [], then = 200, check?: (body: string) => string[]): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    script: [...script],
    then,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const problems = check ? check(body) : [];
      receiver.requests.push({ headers: req.headers, body, problems });
      if (problems.length) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ problems }));
        return;
      }
      const status = receiver.script.length ? receiver.script.shift()! : receiver.then;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
