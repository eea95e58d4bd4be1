import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

/** Runs `gatehouse config …` with this environment; returns what it printed and its exit status. */
async function runConfig(args: readonly string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(['config', ...args], {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
  });
  return { status, out: out.join(''), err: err.join('') };
}

const KEY = randomBytes(32).toString('base64');
const PREVIOUS_KEY = randomBytes(32).toString('base64');
const ENV = {
  PORT: '8443',
  GATEHOUSE_SECRET_KEY: KEY,
  GATEHOUSE_PREVIOUS_SECRET_KEY: PREVIOUS_KEY,
  DATABASE_URL: 'postgres://gatehouse:db-secret-7@db.internal/gatehouse',
};

describe('gatehouse config', () => {
  it('prints one line per variable with its value and source, secrets masked', async () => {
    const { status, out } = await runConfig([], ENV);
    expect(status).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(16);
    expect(lines.find((line) => line.startsWith('PORT '))).toMatch(/^PORT +8443 +\(environment\)$/);
    expect(lines.find((line) => line.startsWith('HOST '))).toMatch(/^HOST +127\.0\.0\.1 +\(default\)$/);
    expect(lines.find((line) => line.startsWith('GATEHOUSE_SECRET_KEY '))).toMatch(
      /^GATEHOUSE_SECRET_KEY +\*{8} \(set\) +\(environment\)$/,
    );
    expect(lines.find((line) => line.startsWith('GATEHOUSE_PREVIOUS_SECRET_KEY '))).toMatch(
      /^GATEHOUSE_PREVIOUS_SECRET_KEY +\*{8} \(set\) +\(environment\)$/,
    );
    expect(lines.find((line) => line.startsWith('DATABASE_URL '))).toContain(
      'postgres://gatehouse:********@db.internal/gatehouse',
    );
    expect(lines.find((line) => line.startsWith('METRICS_TOKEN '))).toMatch(/\(not set\) +\(default\)$/);
    expect(lines.find((line) => line.startsWith('DATABASE_POOL_SIZE '))).toMatch(
      /^DATABASE_POOL_SIZE +10 +\(default\)$/,
    );
    expect(lines.find((line) => line.startsWith('ALLOWED_RETURN_ORIGINS '))).toMatch(/\(default\)$/);
    expect(lines.find((line) => line.startsWith('SESSION_COOKIE_DOMAIN '))).toMatch(/\(default\)$/);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(PREVIOUS_KEY);
    expect(out).not.toContain('db-secret-7');
  });

  it('answers --json with the same rows', async () => {
    const { status, out } = await runConfig(['--json'], ENV);
    expect(status).toBe(0);
    const parsed = JSON.parse(out) as {
      valid: boolean;
      variables: { name: string; value: string; source: string; secret: boolean }[];
    };
    expect(parsed.valid).toBe(true);
    expect(parsed.variables.find((row) => row.name === 'GATEHOUSE_SECRET_KEY')).toEqual({
      name: 'GATEHOUSE_SECRET_KEY',
      value: '******** (set)',
      source: 'environment',
      secret: true,
    });
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('db-secret-7');
  });

  it('exits 1 naming each wrong variable', async () => {
    const { status, err } = await runConfig([], { PUBLIC_URL: 'foo', LOG_LEVEL: 'chatty' });
    expect(status).toBe(1);
    expect(err).toContain(
      'PUBLIC_URL must be an absolute http(s) URL such as https://gatehouse.example.org, not "foo".',
    );
    expect(err).toContain('LOG_LEVEL must be one of');
  });

  it('answers --help', async () => {
    const { status, out } = await runConfig(['--help'], {});
    expect(status).toBe(0);
    expect(out).toMatch(/^Usage: gatehouse config \[--json\]/);
  });
});
