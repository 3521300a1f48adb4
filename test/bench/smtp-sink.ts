// A counting SMTP sink on loopback for the benchmarks: accepts everything, remembers who got how many.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A counting SMTP sink: accepts everything, remembers how many messages each recipient got and when the last came. */
export async function countingSmtpSink() {
  const perRecipient = new Map<string, number>();
  let accepted = 0;
  let lastAt = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // No reverse DNS per connection: on loopback it only adds a resolver round trip.
    disableReverseLookup: true,
    closeTimeout: 200,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) perRecipient.set(r.address, (perRecipient.get(r.address) ?? 0) + 1);
        accepted += 1;
        lastAt = performance.now();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    reset() {
      perRecipient.clear();
      accepted = 0;
      lastAt = 0;
    },
    get accepted() {
      return accepted;
    },
    get lastAt() {
      return lastAt;
    },
    /** How many different recipients got something. */
    get distinct() {
      return perRecipient.size;
    },
    /** True when each address got exactly one message and nobody else got any. */
    exactlyOnce(emails: string[]): boolean {
      return perRecipient.size === emails.length && emails.every((e) => perRecipient.get(e) === 1);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

