// The configuration: defaults, PUBLIC_URL validation, and messages for a person on bad values.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../api/server/config.ts';

describe('readConfig', () => {
  it('has working defaults', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ port: 4321, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:4321', databaseUrl: 'file:data/herald.db', trustProxy: false, logLevel: 'info', build: 'auto' });
    expect(c.databaseAuthToken).toBeUndefined();
  });

  it('derives PUBLIC_URL from HOST and PORT, and strips a trailing slash from an explicit one', () => {
    expect(readConfig({ PORT: '8080', HOST: '::1' }).publicUrl).toBe('http://[::1]:8080');
    expect(readConfig({ HOST: '0.0.0.0' }).publicUrl).toBe('http://127.0.0.1:4321');
    expect(readConfig({ PUBLIC_URL: 'https://status.example.com/' }).publicUrl).toBe('https://status.example.com');
  });

  it('refuses bad values with a message naming the variable', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => readConfig({ PUBLIC_URL: 'status.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => readConfig({ PUBLIC_URL: 'ftp://status.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => readConfig({ PUBLIC_URL: 'https://example.com/status' })).toThrow(/just the origin/);
    expect(() => readConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(() => readConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => readConfig({ HERALD_BUILD: 'never' })).toThrow(/HERALD_BUILD/);
  });

  it('reads the database and proxy settings', () => {
    const c = readConfig({ DATABASE_URL: 'libsql://db.example.com', DATABASE_AUTH_TOKEN: 'secret', TRUST_PROXY: 'true' });
    expect(c).toMatchObject({ databaseUrl: 'libsql://db.example.com', databaseAuthToken: 'secret', trustProxy: true });
  });
});
