import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  CONFIG_VARIABLES,
  ConfigError,
  configFromEnv,
  displayValue,
  maskUrlPassword,
  readConfigEntries,
} from './config.js';

/** The problems configFromEnv reports for this environment (none: []). */
function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    configFromEnv(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const KEY = randomBytes(32);
const PREVIOUS_KEY = randomBytes(32);

describe('configFromEnv', () => {
  it('gives every default when nothing is set, and treats an empty value as unset', () => {
    for (const env of [{}, Object.fromEntries(CONFIG_KEYS.map((key) => [CONFIG_VARIABLES[key].name, '']))]) {
      const config = configFromEnv(env);
      expect(config.port).toBe(3000);
      expect(config.host).toBe('127.0.0.1');
      expect(config.dataDir).toBe(path.resolve('data'));
      expect(config.databaseUrl).toBeUndefined();
      expect(config.publicUrl).toBeUndefined();
      expect(config.trustProxy).toBe(false);
      expect(config.smtpUrl).toBeUndefined();
      expect(config.secretKey).toBeUndefined();
      expect(config.previousSecretKey).toBeUndefined();
      expect(config.logLevel).toBe('info');
      expect(config.metricsToken).toBeUndefined();
      expect(config.threadPoolSize).toBeGreaterThanOrEqual(2);
    }
  });

  it('parses good values into typed ones', () => {
    const config = configFromEnv({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/gatehouse',
      DATABASE_URL: 'postgresql://gh:pw@db.internal:5432/gatehouse',
      PUBLIC_URL: 'https://gatehouse.example.org',
      TRUST_PROXY: 'Yes',
      SMTP_URL: 'smtps://gh:pw@mail.example.org',
      GATEHOUSE_SECRET_KEY: KEY.toString('base64'),
      GATEHOUSE_PREVIOUS_SECRET_KEY: PREVIOUS_KEY.toString('base64'),
      LOG_LEVEL: 'warn',
      METRICS_TOKEN: 'a'.repeat(40),
      UV_THREADPOOL_SIZE: '8',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/gatehouse',
      databaseUrl: 'postgresql://gh:pw@db.internal:5432/gatehouse',
      trustProxy: 1,
      logLevel: 'warn',
      threadPoolSize: 8,
    });
    expect(config.publicUrl?.origin).toBe('https://gatehouse.example.org');
    expect(config.secretKey?.equals(KEY)).toBe(true);
    expect(config.previousSecretKey?.equals(PREVIOUS_KEY)).toBe(true);
    expect(configFromEnv({ TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(configFromEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(configFromEnv({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ]);
  });

  it.each([
    ['PORT', '70000', 'PORT must be an integer from 0 to 65535, not "70000".'],
    ['PORT', '3000abc', 'PORT must be an integer from 0 to 65535, not "3000abc".'],
    ['HOST', 'my host', 'HOST must be an IP address or host name such as 0.0.0.0, not "my host".'],
    [
      'PUBLIC_URL',
      'foo',
      'PUBLIC_URL must be an absolute http(s) URL such as https://gatehouse.example.org, not "foo".',
    ],
    [
      'PUBLIC_URL',
      'ftp://example.org',
      'PUBLIC_URL must be an absolute http(s) URL such as https://gatehouse.example.org, not "ftp://example.org".',
    ],
    [
      'TRUST_PROXY',
      '10.0.0.0/33',
      'TRUST_PROXY must be true, false, a hop count such as 2, or proxy addresses/CIDR ranges such as 10.0.0.0/8,192.0.2.7, not "10.0.0.0/33".',
    ],
    [
      'LOG_LEVEL',
      'verbose',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "verbose".',
    ],
    ['UV_THREADPOOL_SIZE', '0', 'UV_THREADPOOL_SIZE must be an integer from 1 to 1024, not "0".'],
  ])('refuses %s=%s, naming the variable and what it expects', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([message]);
  });

  it('refuses a DATABASE_URL that is not postgres:// or postgresql://, without repeating its password', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://gh:hunter2hunter2@db/gatehouse' });
    expect(problem).toMatch(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(problem).toContain('not "mysql://gh:********@db/gatehouse"');
    expect(problem).not.toContain('hunter2');
  });

  it('takes MAIL_FROM as one mailbox, and refuses anything that could add a header line', () => {
    const from = 'Riverside Gatehouse <gatehouse@riverside.example>';
    expect(configFromEnv({ MAIL_FROM: from }).mailFrom).toBe(from);
    expect(configFromEnv({ MAIL_FROM: 'gatehouse@riverside.example' }).mailFrom).toBe(
      'gatehouse@riverside.example',
    );
    expect(configFromEnv({}).mailFrom).toBe('Gatehouse <no-reply@gatehouse.invalid>');
    for (const bad of [
      'gatehouse',
      'a@b.example\r\nBcc: x@evil.example',
      'Name <no-at-sign>',
      'a@b.example, c@d.example',
    ]) {
      expect(problemsOf({ MAIL_FROM: bad })[0]).toMatch(/^MAIL_FROM must be an address such as/);
    }
  });

  it('reads ALLOWED_RETURN_ORIGINS as origins and SESSION_COOKIE_DOMAIN as a domain name, refusing anything more', () => {
    const config = configFromEnv({
      ALLOWED_RETURN_ORIGINS: 'https://EHR.example.org, https://billing.example.org:8443/',
      SESSION_COOKIE_DOMAIN: 'Example.org',
    });
    expect(config.allowedReturnOrigins).toEqual([
      'https://ehr.example.org',
      'https://billing.example.org:8443',
    ]);
    expect(config.sessionCookieDomain).toBe('example.org');
    expect(configFromEnv({}).allowedReturnOrigins).toEqual([]);
    for (const bad of [
      'https://ehr.example.org/app',
      'ehr.example.org',
      'javascript:alert(1)',
      '//ehr.example.org',
    ])
      expect(problemsOf({ ALLOWED_RETURN_ORIGINS: bad })[0], bad).toMatch(
        /^ALLOWED_RETURN_ORIGINS must be comma-separated origins such as/,
      );
    for (const bad of ['.example.org', 'https://example.org', 'example.org:443', 'localhost', 'exa mple.org'])
      expect(problemsOf({ SESSION_COOKIE_DOMAIN: bad })[0], bad).toMatch(
        /^SESSION_COOKIE_DOMAIN must be a domain name such as example.org/,
      );
  });

  it('refuses an SMTP_URL of another scheme, without its password', () => {
    const [problem] = problemsOf({ SMTP_URL: 'http://gh:hunter2hunter2@mail.example.org' });
    expect(problem).toMatch(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(problem).not.toContain('hunter2');
  });

  it.each([
    [
      'GATEHOUSE_SECRET_KEY',
      randomBytes(16).toString('base64'),
      /^GATEHOUSE_SECRET_KEY must be 32 bytes in base64/,
    ],
    ['GATEHOUSE_SECRET_KEY', 'not base64 at all!', /^GATEHOUSE_SECRET_KEY must be 32 bytes in base64/],
    [
      'GATEHOUSE_PREVIOUS_SECRET_KEY',
      randomBytes(31).toString('base64'),
      /^GATEHOUSE_PREVIOUS_SECRET_KEY must be 32 bytes in base64/,
    ],
    ['METRICS_TOKEN', 'short-token', /^METRICS_TOKEN must be at least 32 characters/],
    ['METRICS_TOKEN', `${'a'.repeat(20)} ${'b'.repeat(20)}`, /^METRICS_TOKEN must be at least 32 characters/],
  ])('refuses a wrong secret %s without repeating it', (name, value, pattern) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
    expect(problems[0]).toContain('not shown: it is secret');
    expect(problems[0]).not.toContain(value);
  });

  it('names every wrong variable at once, so one start-up attempt shows them all', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', TRUST_PROXY: 'maybe', HOST: '127.0.0.1' });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual(['PORT', 'TRUST_PROXY', 'LOG_LEVEL']);
  });
});

describe('masking', () => {
  it('hides the password of a URL, in user info and in a password query parameter', () => {
    expect(maskUrlPassword('postgres://gh:s3cr%40t@db:5432/gatehouse')).toBe(
      'postgres://gh:********@db:5432/gatehouse',
    );
    expect(maskUrlPassword('postgres://db/gatehouse?user=gh&password=s3cret&sslmode=require')).toBe(
      'postgres://db/gatehouse?user=gh&password=********&sslmode=require',
    );
    expect(maskUrlPassword('smtps://mail.example.org')).toBe('smtps://mail.example.org');
    expect(maskUrlPassword('postgres://gh:p@ss/w0rd@db/gatehouse')).toBe(
      'postgres://gh:********@db/gatehouse',
    );
    expect(maskUrlPassword('postgres://gh@db/gatehouse')).toBe('postgres://gh@db/gatehouse');
  });

  it('shows secrets only as set or not set, and URLs without their password', () => {
    const shown = (env: NodeJS.ProcessEnv) =>
      Object.fromEntries(readConfigEntries(env).map((entry) => [entry.variable.name, displayValue(entry)]));
    const token = 't'.repeat(48);
    const set = shown({
      GATEHOUSE_SECRET_KEY: KEY.toString('base64'),
      GATEHOUSE_PREVIOUS_SECRET_KEY: PREVIOUS_KEY.toString('base64'),
      METRICS_TOKEN: token,
      DATABASE_URL: 'postgres://gh:pg-password-1@db/gatehouse',
      SMTP_URL: 'smtp://gh:smtp-password-2@mail.example.org:587',
    });
    expect(set).toMatchObject({
      GATEHOUSE_SECRET_KEY: '******** (set)',
      GATEHOUSE_PREVIOUS_SECRET_KEY: '******** (set)',
      METRICS_TOKEN: '******** (set)',
      DATABASE_URL: 'postgres://gh:********@db/gatehouse',
      SMTP_URL: 'smtp://gh:********@mail.example.org:587',
      PORT: '3000',
    });
    const text = JSON.stringify(set);
    const secrets = [KEY, PREVIOUS_KEY].map((key) => key.toString('base64'));
    for (const secret of [...secrets, token, 'pg-password-1', 'smtp-password-2'])
      expect(text).not.toContain(secret);
    expect(shown({})).toMatchObject({ GATEHOUSE_SECRET_KEY: '(not set)', DATABASE_URL: '(not set)' });
  });
});
