// Sending email: a nodemailer SMTP transport (pooled connections) from SMTP_URL and MAIL_FROM.
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Mailer, MailMessage } from '../core/deps.ts';

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

const ASCII = /^[\x20-\x7e]*$/;
/** A bare address nodemailer would pass on as it is: ASCII, no display name, nothing to quote. */
const PLAIN_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;

/** RFC 2047 encoded words (UTF-8, base64), each at most 75 characters, never splitting a character. */
function encodeWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    // 39 bytes of UTF-8 are 52 characters of base64: with `=?UTF-8?B?`, `?=` and a header name, under 78.
    if (Buffer.byteLength(chunk + ch) > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** A header's value: as it is when it is short ASCII; else encoded words for the text, the `<…>` part left as it is. */
function headerValue(value: string): string {
  const line = value.replace(/[\r\n]+/g, ' ');
  if (ASCII.test(line) && line.length <= 900) return line;
  const angle = /^(.*?)\s*(<[\x21-\x7e]*>)$/.exec(line);
  return angle ? `${angle[1] ? `${encodeWords(angle[1])} ` : ''}${angle[2]}` : encodeWords(line);
}

/** `Name <addr>` or `addr` split for the envelope; null when the address needs more than this (nodemailer then). */
function parseFrom(from: string): { header: string; address: string } | null {
  const m = /^\s*(?:"?([^"<>]*?)"?\s*)?<([^<>\s]+)>\s*$/.exec(from) ?? /^\s*()([^<>\s]+)\s*$/.exec(from);
  if (!m || !PLAIN_ADDRESS.test(m[2]!)) return null;
  const name = m[1]?.trim() ?? '';
  if (!name) return { header: m[2]!, address: m[2]! };
  const phrase = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(name) ? name : ASCII.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodeWords(name);
  return { header: `${phrase} <${m[2]}>`, address: m[2]! };
}

/** The body in base64, in lines of 76 characters (RFC 2045); sliced, which costs a tenth of a regular expression. */
function base64Body(text: string): string {
  const encoded = Buffer.from(text.replace(/\r?\n/g, '\r\n')).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join('\r\n');
}

/**
 * The message as SMTP carries it: headers, then the text and HTML as multipart/alternative in base64. Built as one
 * string: nodemailer's MIME tree (a stream pipeline per part, each creating an AbortController and, at its end, a
 * DOMException) and its write per line were most of a fan-out's CPU, and long stretches of the event loop that
 * requests waited behind (test/bench, part (e)). Null when an address needs more care than this gives it (a display
 * name on the recipient, an address outside ASCII): nodemailer builds that one.
 */
export function buildMime(from: { header: string }, message: MailMessage, date: Date): string | null {
  if (!PLAIN_ADDRESS.test(message.to)) return null;
  const boundary = `--_herald_${message.messageId.replace(/[^A-Za-z0-9]/g, '').slice(-24)}_${date.getTime().toString(36)}`;
  const lines = [
    `From: ${from.header}`,
    `To: ${message.to}`,
    `Subject: ${headerValue(message.subject)}`,
    `Message-ID: <${message.messageId}>`,
    `Date: ${date.toUTCString().replace(/GMT$/, '+0000')}`,
    'MIME-Version: 1.0',
  ];
  for (const [name, value] of Object.entries(message.headers)) {
    if (/^[A-Za-z0-9-]+$/.test(name)) lines.push(`${name}: ${headerValue(value)}`);
  }
  lines.push(
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(message.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(message.html),
    `--${boundary}--`,
    '',
  );
  return lines.join('\r\n');
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
  const from = parseFrom(opts.from);
  return {
    async send(message) {
      try {
        const raw = from ? buildMime(from, message, new Date()) : null;
        if (raw && from) await transport.sendMail({ envelope: { from: from.address, to: message.to }, raw });
        else {
          await transport.sendMail({
            from: opts.from,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            messageId: `<${message.messageId}>`,
            headers: message.headers,
          });
        }
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
