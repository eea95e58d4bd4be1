import { availableParallelism } from 'node:os';
import path from 'node:path';
import { decodeSecretKey, SECRET_KEY_BYTES } from './domain/secret-box.js';
import { parseOriginList } from './domain/return-to.js';
import { parseTrustedProxies, type TrustedProxies } from './domain/trusted-proxies.js';

/**
 * Every environment variable Gatehouse reads, as data: name, default, meaning, whether it is
 * secret, and the parser that turns its text into a typed value. Nothing else in src reads
 * process.env. Read once at start-up (README.md "Configuration"); a wrong value stops start-up
 * with an error naming the variable and what it expects. An empty value counts as unset.
 *
 * To add a variable: add one entry to CONFIG_VARIABLES. `Config` gains the field, the README
 * table test (config-readme.test.ts) asks for its row, and `gatehouse config` prints it.
 */

/** How much of a value may be shown: all, none, or all but a URL's password. */
export const SECRECY = ['no', 'yes', 'password'] as const;
export type Secrecy = (typeof SECRECY)[number];

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly expected: string };

export interface ConfigVariable<T> {
  /** The environment variable. */
  readonly name: string;
  /** The default as a reader sees it in the docs and in `gatehouse config`. */
  readonly defaultText: string;
  /** One sentence for the README table (Markdown). */
  readonly meaning: string;
  readonly secret: Secrecy;
  /** The value when the variable is unset (or empty). */
  fallback(): T;
  /** A set value's meaning, or what was expected instead ("an integer from 0 to 65535"). */
  parse(text: string): ParseResult<T>;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const expected = (what: string): ParseResult<never> => ({ ok: false, expected: what });

function variable<T>(spec: ConfigVariable<T>): ConfigVariable<T> {
  return spec;
}

/** pino's levels, most to least severe; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Shortest METRICS_TOKEN accepted: long enough that guessing it is hopeless. */
export const METRICS_TOKEN_MIN_LENGTH = 32;

/** libuv's own upper bound for its thread pool. */
const MAX_THREAD_POOL = 1024;

function integerIn(min: number, max: number) {
  return (text: string): ParseResult<number> => {
    const value = Number(text);
    return /^\d+$/.test(text) && value >= min && value <= max
      ? ok(value)
      : expected(`an integer from ${min} to ${max}`);
  };
}

/**
 * PostgreSQL connections per instance: the pool size before it was configurable, which the
 * benchmarks in bench/README.md ran with; not yet compared with other sizes.
 */
export const DEFAULT_DATABASE_POOL_SIZE = 10;

/** Far above any useful pool; PostgreSQL's own max_connections is the real bound. */
const MAX_DATABASE_POOL_SIZE = 1000;

/** An address no relay delivers to: fine for the outbox files, to be set for real mail. */
export const DEFAULT_MAIL_FROM = 'Gatehouse <no-reply@gatehouse.invalid>';

/** `addr@domain` or `Display Name <addr@domain>`: one mailbox, no line breaks. */
const MAILBOX = /^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/;

/** A DNS name of two labels or more, as a cookie's Domain attribute takes it (no scheme, port or dot first). */
const COOKIE_DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/** A URL with a host and one of these protocols ('https:'), else `what` is expected. */
function urlWith(protocols: readonly string[], what: string) {
  return (text: string): ParseResult<string> => {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    return url && protocols.includes(url.protocol) && url.hostname !== '' ? ok(text) : expected(what);
  };
}

/** GATEHOUSE_SECRET_KEY and GATEHOUSE_PREVIOUS_SECRET_KEY: the key itself, decoded once here. */
function parseSecretKey(text: string): ParseResult<Buffer> {
  const key = decodeSecretKey(text);
  return key ? ok(key) : expected(`${SECRET_KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
}

export const CONFIG_VARIABLES = {
  port: variable<number>({
    name: 'PORT',
    defaultText: '3000',
    meaning: 'TCP port to listen on',
    secret: 'no',
    fallback: () => 3000,
    parse: integerIn(0, 65535),
  }),
  host: variable<string>({
    name: 'HOST',
    defaultText: '127.0.0.1',
    meaning: 'address to listen on (`0.0.0.0` for every IPv4 interface)',
    secret: 'no',
    fallback: () => '127.0.0.1',
    parse: (text) =>
      /^[A-Za-z0-9.:%_-]+$/.test(text) ? ok(text) : expected('an IP address or host name such as 0.0.0.0'),
  }),
  dataDir: variable<string>({
    name: 'DATA_DIR',
    defaultText: './data',
    meaning: 'SQLite file, generated secret key, mail outbox',
    secret: 'no',
    fallback: () => path.resolve('data'),
    parse: (text) => ok(path.resolve(text)),
  }),
  databaseUrl: variable<string | undefined>({
    name: 'DATABASE_URL',
    defaultText: '–',
    meaning: '`postgres://…` switches to PostgreSQL; instances sharing it share all state',
    secret: 'password',
    fallback: () => undefined,
    parse: urlWith(
      ['postgres:', 'postgresql:'],
      'a postgres:// or postgresql:// URL such as postgres://gatehouse:PASSWORD@db.example.org/gatehouse',
    ),
  }),
  databasePoolSize: variable<number>({
    name: 'DATABASE_POOL_SIZE',
    defaultText: String(DEFAULT_DATABASE_POOL_SIZE),
    meaning: 'PostgreSQL connections per instance; all instances’ together stay below `max_connections`',
    secret: 'no',
    fallback: () => DEFAULT_DATABASE_POOL_SIZE,
    parse: integerIn(1, MAX_DATABASE_POOL_SIZE),
  }),
  publicUrl: variable<URL | undefined>({
    name: 'PUBLIC_URL',
    defaultText: '–',
    meaning: 'the public origin: links in email, the Origin check, `__Host-` cookies under https',
    secret: 'no',
    fallback: () => undefined,
    parse: (text) => {
      const checked = urlWith(
        ['https:', 'http:'],
        'an absolute http(s) URL such as https://gatehouse.example.org',
      )(text);
      return checked.ok ? ok(new URL(text)) : checked;
    },
  }),
  allowedReturnOrigins: variable<readonly string[]>({
    name: 'ALLOWED_RETURN_ORIGINS',
    defaultText: '–',
    meaning: 'origins `/login?returnTo=` may go to besides `PUBLIC_URL`’s, comma-separated (forward-auth)',
    secret: 'no',
    fallback: () => [],
    parse: (text) => {
      const origins = parseOriginList(text);
      return origins
        ? ok(origins)
        : expected('comma-separated origins such as https://ehr.example.org,https://billing.example.org');
    },
  }),
  sessionCookieDomain: variable<string | undefined>({
    name: 'SESSION_COOKIE_DOMAIN',
    defaultText: '–',
    meaning: 'session cookie shared with this domain’s subdomains, for forward-auth (see `docs/deploy.md`)',
    secret: 'no',
    fallback: () => undefined,
    parse: (text) =>
      COOKIE_DOMAIN.test(text) ? ok(text.toLowerCase()) : expected('a domain name such as example.org'),
  }),
  trustProxy: variable<TrustedProxies>({
    name: 'TRUST_PROXY',
    defaultText: 'false',
    meaning: 'reverse proxies to believe: `true` (one), a hop count, or their addresses/CIDRs',
    secret: 'no',
    fallback: () => false,
    parse: (text) => {
      const proxies = parseTrustedProxies(text);
      return proxies === undefined
        ? expected(
            'true, false, a hop count such as 2, or proxy addresses/CIDR ranges such as 10.0.0.0/8,192.0.2.7',
          )
        : ok(proxies);
    },
  }),
  smtpUrl: variable<string | undefined>({
    name: 'SMTP_URL',
    defaultText: '–',
    meaning: 'mail transport; without it mail is written to `DATA_DIR/outbox/*.eml`',
    secret: 'password',
    fallback: () => undefined,
    parse: urlWith(
      ['smtp:', 'smtps:'],
      'an smtp:// or smtps:// URL such as smtps://gatehouse:PASSWORD@mail.example.org',
    ),
  }),
  mailFrom: variable<string>({
    name: 'MAIL_FROM',
    defaultText: DEFAULT_MAIL_FROM,
    meaning: 'sender of every email; use an address your mail relay accepts',
    secret: 'no',
    fallback: () => DEFAULT_MAIL_FROM,
    parse: (text) =>
      MAILBOX.test(text)
        ? ok(text)
        : expected('an address such as "Riverside Gatehouse <gatehouse@example.org>"'),
  }),
  secretKey: variable<Buffer | undefined>({
    name: 'GATEHOUSE_SECRET_KEY',
    defaultText: 'generated',
    meaning: 'base64 32-byte key for secrets at rest (see below)',
    secret: 'yes',
    fallback: () => undefined,
    parse: parseSecretKey,
  }),
  previousSecretKey: variable<Buffer | undefined>({
    name: 'GATEHOUSE_PREVIOUS_SECRET_KEY',
    defaultText: '–',
    meaning: 'the key before a rotation, accepted for decryption only until `gatehouse keys rotate` is done',
    secret: 'yes',
    fallback: () => undefined,
    parse: parseSecretKey,
  }),
  logLevel: variable<LogLevel>({
    name: 'LOG_LEVEL',
    defaultText: 'info',
    meaning: `pino log level: ${LOG_LEVELS.map((level) => `\`${level}\``).join(', ')}`,
    secret: 'no',
    fallback: () => 'info',
    parse: (text) => (isLogLevel(text) ? ok(text) : expected(`one of ${LOG_LEVELS.join(', ')}`)),
  }),
  metricsToken: variable<string | undefined>({
    name: 'METRICS_TOKEN',
    defaultText: '–',
    meaning: '`/metrics` answers only `Authorization: Bearer` this token; unset, `/metrics` is off',
    secret: 'yes',
    fallback: () => undefined,
    parse: (text) =>
      new RegExp(`^[\\x21-\\x7e]{${METRICS_TOKEN_MIN_LENGTH},}$`).test(text)
        ? ok(text)
        : expected(`at least ${METRICS_TOKEN_MIN_LENGTH} characters without spaces (openssl rand -hex 32)`),
  }),
  threadPoolSize: variable<number>({
    name: 'UV_THREADPOOL_SIZE',
    defaultText: 'cores (≥ 2)',
    meaning: 'threads for password hashing (read by Node.js itself; the server sets the default)',
    secret: 'no',
    fallback: () => Math.max(availableParallelism(), 2),
    parse: integerIn(1, MAX_THREAD_POOL),
  }),
} as const;

type ValueOf<V> = V extends ConfigVariable<infer T> ? T : never;

/** Everything read from the environment, typed. */
export type Config = { readonly [K in keyof typeof CONFIG_VARIABLES]: ValueOf<(typeof CONFIG_VARIABLES)[K]> };

export type ConfigKey = keyof Config;

export const CONFIG_KEYS = Object.keys(CONFIG_VARIABLES) as ConfigKey[];

/** Start-up stops with this: one line per wrong variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type ConfigSource = 'environment' | 'default';

export interface ConfigEntry {
  readonly key: ConfigKey;
  readonly variable: ConfigVariable<unknown>;
  readonly value: unknown;
  readonly source: ConfigSource;
}

/** Each variable's effective value and where it came from; throws ConfigError naming every wrong one. */
export function readConfigEntries(env: NodeJS.ProcessEnv): ConfigEntry[] {
  const problems: string[] = [];
  const entries = CONFIG_KEYS.map((key): ConfigEntry => {
    const variable = CONFIG_VARIABLES[key] as ConfigVariable<unknown>;
    const text = env[variable.name];
    if (text === undefined || text === '')
      return { key, variable, value: variable.fallback(), source: 'default' };
    const parsed = variable.parse(text.trim());
    if (!parsed.ok) problems.push(problemText(variable, text, parsed.expected));
    return { key, variable, value: parsed.ok ? parsed.value : undefined, source: 'environment' };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return entries;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return Object.fromEntries(readConfigEntries(env).map((entry) => [entry.key, entry.value])) as Config;
}

/** "PUBLIC_URL must be …, not "foo"": a secret's value is never repeated, a URL's password never. */
function problemText(variable: ConfigVariable<unknown>, text: string, what: string): string {
  if (variable.secret === 'yes')
    return `${variable.name} must be ${what}; the value given is not (not shown: it is secret).`;
  return `${variable.name} must be ${what}, not "${maskUrlPassword(text)}".`;
}

export const MASK = '********';

/**
 * A URL's password (user:PASSWORD@ and ?password=) replaced by ********; other text unchanged.
 * Everything up to the last `@` counts as password, so one with an unescaped `@` or `/` is
 * hidden whole: better too much hidden than a piece shown.
 */
export function maskUrlPassword(text: string): string {
  return text
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:).*@/i, `$1${MASK}@`)
    .replace(/([?&][^=&#]*password[^=&#]*=)[^&#]*/gi, `$1${MASK}`);
}

/** A value as `gatehouse config` prints it: secrets masked, URLs without their password. */
export function displayValue(entry: ConfigEntry): string {
  const { value, variable } = entry;
  if (value === undefined) return '(not set)';
  if (variable.secret === 'yes') return `${MASK} (set)`;
  const text = value instanceof URL ? value.href : String(value);
  return variable.secret === 'password' ? maskUrlPassword(text) : text;
}
