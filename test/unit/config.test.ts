import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

function message(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has a default for every setting', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      publicOrigin: 'http://localhost:3000',
      logLevel: 'info',
      trustProxy: false,
      redisUrl: undefined,
      kMin: 11,
      batchMin: 3,
      batchDelayDays: 14,
      retentionDays: 30,
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('reads what is set', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/offscript',
      PUBLIC_ORIGIN: 'https://offscript.example',
      TRUST_PROXY: '1',
      REDIS_URL: 'redis://cache:6379',
      RATE_LIMIT_SECRET: 'x'.repeat(32),
      K_MIN: '5',
      BATCH_DELAY_DAYS: '0',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u@db:5432/offscript',
      publicOrigin: 'https://offscript.example',
      trustProxy: 1,
      redisUrl: 'redis://cache:6379',
      kMin: 5,
      batchDelayDays: 0,
    });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).trustProxy).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer 1–65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer 1–65535, got "70000"'],
    [{ PORT: '3000.5' }, 'PORT must be an integer 1–65535, got "3000.5"'],
    [{ K_MIN: '1' }, 'K_MIN must be an integer 2–1000, got "1"'],
    [{ RETENTION_DAYS: 'soon' }, 'RETENTION_DAYS must be an integer 1–3650, got "soon"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a URL (postgres: or postgresql:), got "mysql://x"'],
    [{ PUBLIC_ORIGIN: 'https://x.example/path' }, 'PUBLIC_ORIGIN must be an origin like https://example.org (no path), got "https://x.example/path"'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY must be false, a hop count (1–10) or a comma-separated list of proxy addresses, got "everyone"'],
    // "true" would take any client's own X-Forwarded-For as its address (issue 25).
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY must be false, a hop count (1–10) or a comma-separated list of proxy addresses, got "true"'],
    [{ IPV6_CLIENT_PREFIX: '8' }, 'IPV6_CLIENT_PREFIX must be an integer 16–128, got "8"'],
    [{ REDIS_URL: 'redis://cache:6379' }, 'RATE_LIMIT_SECRET is required when REDIS_URL is set (at least 32 characters, the same on every instance; e.g. openssl rand -base64 32)'],
    // The length, never the secret itself.
    [{ RATE_LIMIT_SECRET: 'hunter2-is-short' }, 'RATE_LIMIT_SECRET must be at least 32 characters, got 16'],
  ])('refuses %o with one line naming the variable', (env, expected) => {
    const text = message(env);
    expect(text).toBe(expected);
    expect(text).not.toContain('\n');
  });
});
