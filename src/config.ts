import path from 'node:path';

/** Everything read from the environment, read once at start-up (DESIGN.md, "Running it"). */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** postgres://… switches to PostgreSQL; otherwise SQLite under dataDir. */
  readonly databaseUrl: string | undefined;
  /** Origin used in links and for the Origin check; undefined = the local address, any loopback name. */
  readonly publicUrl: URL | undefined;
  /** Believe x-forwarded-for / x-forwarded-proto from a reverse proxy. */
  readonly trustProxy: boolean;
  readonly smtpUrl: string | undefined;
  /** base64 32-byte key for secrets at rest; absent, one is generated into dataDir. */
  readonly secretKey: string | undefined;
  /** The key before a rotation, accepted for decryption only until `gatehouse keys rotate` is done. */
  readonly previousSecretKey: string | undefined;
  readonly logLevel: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not "${env.PORT}".`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl: env.PUBLIC_URL ? new URL(env.PUBLIC_URL) : undefined,
    trustProxy: ['1', 'true', 'yes'].includes((env.TRUST_PROXY ?? '').toLowerCase()),
    smtpUrl: env.SMTP_URL || undefined,
    secretKey: env.GATEHOUSE_SECRET_KEY || undefined,
    previousSecretKey: env.GATEHOUSE_PREVIOUS_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
