// Sending email: a nodemailer SMTP transport (pooled connections) from SMTP_URL and MAIL_FROM.
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Mailer } from '../core/deps.ts';

/** Why a send failed: `permanent` (a 5xx answer) is not retried, anything else is. */
export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}


export interface SmtpMailerOptions {
  /** smtp://user:pass@host:port or smtps://…; `?pool=…` and other nodemailer URL options are honoured. */
  url: string;
  /** The From address, e.g. `Status <status@example.com>`. */
  from: string;
  /** Parallel SMTP connections; the worker sends about this many messages at once. */
  maxConnections?: number;
}

export const DEFAULT_SMTP_CONNECTIONS = 5;

interface SmtpErrorShape {
  responseCode?: number;
  code?: string;
  message?: string;
}

/** The From address when MAIL_FROM is not set: `Herald <status@public host>`. */
export function defaultMailFrom(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  const domain = host.includes('.') && !/^[\d.]+$/.test(host) ? host : 'localhost.localdomain';
  return `Herald <status@${domain}>`;
}

/**
 * A pooled SMTP mailer. Pooling matters for fan-out: one connection per message spends most of its
 * time in TCP and SMTP handshakes (see test/bench/fanout.ts).
 */
export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const url = new URL(opts.url);
  const secure = url.protocol === 'smtps:';
  const options: SMTPPool.Options = {
    pool: true,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    maxConnections: opts.maxConnections ?? DEFAULT_SMTP_CONNECTIONS,
    // A connection is reused for many messages; nodemailer reconnects on errors by itself.
    maxMessages: 1000,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // Loopback relays (tests, a local MTA) answer without STARTTLS; anywhere else nodemailer upgrades when offered.
    ignoreTLS: url.searchParams.get('ignoreTLS') === 'true',
    requireTLS: url.searchParams.get('requireTLS') === 'true',
    tls: url.searchParams.get('tlsRejectUnauthorized') === 'false' ? { rejectUnauthorized: false } : undefined,
    logger: false,
    // Bounded, so that a relay that stops answering holds a delivery lane (and its lease) for a minute, not nodemailer's ten.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
  const transport = nodemailer.createTransport(options);
  return {
    async send(message) {
      try {
        await transport.sendMail({
          from: opts.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: `<${message.messageId}>`,
          headers: message.headers,
        });
      } catch (err) {
        const e = err as SmtpErrorShape;
        const code = e.responseCode ?? 0;
        // The message only: nodemailer's errors can carry the SMTP conversation, never the password.
        throw new MailError(`${code ? `SMTP ${code}: ` : ''}${(e.message ?? 'send failed').slice(0, 300)}`, code >= 500 && code < 600);
      }
    },
    close() {
      transport.close();
    },
  };
}
