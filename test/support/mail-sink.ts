// A real SMTP server on loopback (smtp-server) that keeps every message, parsed as MIME by mailparser.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface MailSink {
  url: string;
  port: number;
  /** Raw messages in arrival order. */
  raw: Buffer[];
  /** Envelope recipients per message, in the same order. */
  rcpt: string[][];
  parsed(): Promise<ParsedMail[]>;
  /** Messages whose envelope recipient is `email`. */
  to(email: string): Promise<ParsedMail[]>;
  clear(): void;
  close(): Promise<void>;
  /** Called after each accepted message (tests stop a worker mid fan-out with it). */
  onMessage?: (count: number) => void;
}

export interface MailSinkOptions {
  /** An SMTP code to refuse a recipient with, or null to take it. */
  reject?: (rcpt: string) => number | null;
  /** Awaited before each message is acknowledged: a test holds the sender mid-send with it. */
  gate?: () => Promise<void>;
}

export async function startMailSink(opts: MailSinkOptions = {}): Promise<MailSink> {
  const raw: Buffer[] = [];
  const rcpt: string[][] = [];
  let sink: MailSink;
  const server = new SMTPServer({
    authOptional: true,
    // No TLS on loopback: nodemailer then sends in the clear without a certificate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // No reverse DNS per connection: on loopback it only adds a resolver round trip.
    disableReverseLookup: true,
    size: 10 * 1024 * 1024,
    // close() waits this long for clients (a server's pooled connections) before cutting them off.
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      const code = opts.reject?.(address.address) ?? null;
      if (code) {
        const err = new Error(`rejected ${address.address}`) as Error & { responseCode: number };
        err.responseCode = code;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const accept = () => {
          raw.push(Buffer.concat(chunks));
          rcpt.push(session.envelope.rcptTo.map((a) => a.address.toLowerCase()));
          callback();
          sink.onMessage?.(raw.length);
        };
        if (opts.gate) void opts.gate().then(accept);
        else accept();
      });
    },
  });
  // A client that dies mid-conversation (a killed worker) resets its connection: that is the client's story, not an error here.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  sink = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    raw,
    rcpt,
    parsed: () => Promise.all(raw.map((r) => simpleParser(r))),
    async to(email) {
      const out: ParsedMail[] = [];
      for (let i = 0; i < raw.length; i++) if (rcpt[i]!.includes(email.toLowerCase())) out.push(await simpleParser(raw[i]!));
      return out;
    },
    clear() {
      raw.length = 0;
      rcpt.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sink;
}
