// The server's configuration: the one place that reads environment variables.
import { DEFAULT_DATABASE_URL } from '../../db/client.ts';

export interface Config {
  port: number;
  host: string;
  /** Base URL for shortlinks, feeds, emails and the origin check; no trailing slash. */
  publicUrl: string;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  /** Believe X-Forwarded-For / X-Forwarded-Proto (only behind a proxy you run). */
  trustProxy: boolean;
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
  /** Delivery attempts per message (email or webhook) before it is marked failed. */
  deliveryMaxAttempts: number;
  /** Webhooks may reach loopback, private and link-local addresses (on-premises receivers); off by default (SSRF). */
  webhookAllowPrivate: boolean;
  /** `info` logs a line per request; `warn` only problems; `silent` nothing. */
  logLevel: 'info' | 'warn' | 'silent';
  /** `auto`: build dist/ at start when missing or stale; `skip`: serve dist/ as it is (tests build once first). */
  build: 'auto' | 'skip';
  /** Tests only (HERALD_CLOCK_OFFSET_FILE, not in the README table): a file whose number of ms shifts the server's clock. */
  clockOffsetFile?: string | undefined;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function parsePort(raw: string | undefined): number {
  const value = blank(raw) ?? '4321';
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535, not "${value}".`);
  return Number(value);
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  const value = (blank(raw) ?? 'false').toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, not "${raw}".`);
}

/** An http(s) origin, optionally with a trailing slash; paths are refused because every link is absolute from "/". */
function parsePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL such as https://status.example.com, not "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`PUBLIC_URL must start with http:// or https://, not "${raw}".`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`PUBLIC_URL must be just the origin (scheme, host and port) such as https://status.example.com, not "${raw}".`);
  }
  return url.origin;
}

/** Reads and validates the configuration; throws ConfigError with a message for a person. */
export function readConfig(env: Env = process.env): Config {
  const port = parsePort(env.PORT);
  const host = blank(env.HOST) ?? '127.0.0.1';
  const hostInUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const publicUrl = parsePublicUrl(blank(env.PUBLIC_URL) ?? `http://${hostInUrl}:${port}`);
  const logLevel = (blank(env.LOG_LEVEL) ?? 'info').toLowerCase();
  if (logLevel !== 'info' && logLevel !== 'warn' && logLevel !== 'silent') throw new ConfigError(`LOG_LEVEL must be info, warn or silent, not "${logLevel}".`);
  const smtpUrl = blank(env.SMTP_URL);
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://.');
  const build = (blank(env.HERALD_BUILD) ?? 'auto').toLowerCase();
  if (build !== 'auto' && build !== 'skip') throw new ConfigError(`HERALD_BUILD must be auto or skip, not "${build}".`);
  const attempts = blank(env.DELIVERY_MAX_ATTEMPTS) ?? '8';
  if (!/^\d+$/.test(attempts) || Number(attempts) < 1 || Number(attempts) > 100) throw new ConfigError(`DELIVERY_MAX_ATTEMPTS must be a number from 1 to 100, not "${attempts}".`);
  return {
    port,
    host,
    publicUrl,
    databaseUrl: blank(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL,
    databaseAuthToken: blank(env.DATABASE_AUTH_TOKEN),
    trustProxy: parseBoolean('TRUST_PROXY', env.TRUST_PROXY),
    smtpUrl,
    mailFrom: blank(env.MAIL_FROM),
    deliveryMaxAttempts: Number(attempts),
    webhookAllowPrivate: parseBoolean('WEBHOOK_ALLOW_PRIVATE', env.WEBHOOK_ALLOW_PRIVATE),
    logLevel,
    build,
    clockOffsetFile: blank(env.HERALD_CLOCK_OFFSET_FILE),
  };
}

/** For the commands (the server, the export): the configuration, or its error in one line and exit code 1. */
export function readConfigOrExit(env: Env = process.env): Config {
  try {
    return readConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`Configuration error: ${err.message}\n`);
    process.exit(1);
  }
}

/** The database URL without credentials or query, for log lines. */
export function describeDatabaseUrl(url: string): string {
  return url.replace(/\?.*$/, '').replace(/\/\/[^@/]*@/, '//');
}
