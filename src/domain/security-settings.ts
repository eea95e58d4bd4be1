import type { AdminAlertDelivery } from './admin-alerts.js';
import { allowListProblems } from './ip-allow-list.js';

/**
 * A practice's security settings and their defaults (docs/admin-guide.md "Security settings").
 * Stored as one JSON document per practice; `GET/PUT /api/practice/security-settings` use this shape.
 */
export interface PasswordPolicySettings {
  readonly minLength: number;
  readonly requireUppercase: boolean;
  readonly requireLowercase: boolean;
  readonly requireDigit: boolean;
  readonly requireSymbol: boolean;
  /** Days until a password must be changed; null = never. */
  readonly expiryDays: number | null;
  readonly historyCount: number;
  /** Longest run of one character allowed; null = no limit. */
  readonly maxRepeatedChars: number | null;
}

export interface IpAllowListEntry {
  readonly name: string;
  readonly cidr: string;
}

export interface SecuritySettings {
  readonly passwordPolicy: PasswordPolicySettings;
  readonly requireTwoFactor: boolean;
  readonly rememberBrowserDays: number;
  readonly idleTimeoutMinutes: number;
  readonly absoluteTimeoutHours: number;
  readonly singleSession: boolean;
  readonly lockout: { readonly threshold: number; readonly minutes: number };
  readonly ipAllowList: { readonly enabled: boolean; readonly entries: readonly IpAllowListEntry[] };
  readonly temporaryPasswordHours: number;
  /** IANA zone used to show times to people; storage is always UTC. */
  readonly timeZone: string;
  /** How the practice's administrators get security alerts (domain/admin-alerts.ts). */
  readonly adminAlerts: AdminAlertDelivery;
}

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  passwordPolicy: {
    minLength: 12,
    requireUppercase: false,
    requireLowercase: false,
    requireDigit: false,
    requireSymbol: false,
    expiryDays: null,
    historyCount: 10,
    maxRepeatedChars: 3,
  },
  requireTwoFactor: false,
  rememberBrowserDays: 30,
  idleTimeoutMinutes: 30,
  absoluteTimeoutHours: 12,
  singleSession: false,
  lockout: { threshold: 10, minutes: 15 },
  ipAllowList: { enabled: false, entries: [] },
  temporaryPasswordHours: 72,
  timeZone: 'America/New_York',
  adminAlerts: 'immediately',
};

/**
 * Reads a stored settings document, filling any field missing from an older version with
 * its default, so new settings never need a data migration.
 */
export function settingsFromStored(stored: unknown): SecuritySettings {
  const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<SecuritySettings>;
  return {
    ...DEFAULT_SECURITY_SETTINGS,
    ...value,
    passwordPolicy: { ...DEFAULT_SECURITY_SETTINGS.passwordPolicy, ...value.passwordPolicy },
    lockout: { ...DEFAULT_SECURITY_SETTINGS.lockout, ...value.lockout },
    ipAllowList: { ...DEFAULT_SECURITY_SETTINGS.ipAllowList, ...value.ipAllowList },
  };
}

/** Inclusive bounds of every numeric setting; the HTTP schema and the checks below share them. */
export const SETTING_BOUNDS = {
  minLength: [8, 64],
  expiryDays: [1, 3650],
  historyCount: [0, 24],
  maxRepeatedChars: [1, 10],
  rememberBrowserDays: [0, 365],
  idleTimeoutMinutes: [1, 1440],
  absoluteTimeoutHours: [1, 168],
  lockoutThreshold: [3, 50],
  lockoutMinutes: [1, 1440],
  temporaryPasswordHours: [1, 720],
} as const satisfies Record<string, readonly [number, number]>;

/** Below this minimum length the admin must acknowledge a warning (NIST recommends 15 for single-factor). */
export const RECOMMENDED_MIN_LENGTH = 12;

/** One setting that differs between two documents: its dotted path, old and new value. */
export interface SettingChange {
  readonly path: string;
  /** Lists (the IP allow-list's entries) as JSON text, so every value fits an event detail. */
  readonly from: string | number | boolean | null;
  readonly to: string | number | boolean | null;
}

/** The settings that differ between two documents, in the document's order. */
export function changedSettings(before: SecuritySettings, after: SecuritySettings): SettingChange[] {
  const changed: SettingChange[] = [];
  const walk = (a: unknown, b: unknown, prefix: string) => {
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(a[key], b[key], prefix ? `${prefix}.${key}` : key);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b))
      changed.push({ path: prefix, from: detailValue(a), to: detailValue(b) });
  };
  walk(before, after, '');
  return changed;
}

function detailValue(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks that the schema cannot express: a real time zone, an absolute timeout past the idle one. */
export function settingsProblems(settings: SecuritySettings): string[] {
  const problems: string[] = [];
  if (!isTimeZone(settings.timeZone))
    problems.push(`"${settings.timeZone}" is not a time zone such as America/New_York.`);
  if (settings.absoluteTimeoutHours * 60 < settings.idleTimeoutMinutes) {
    problems.push('The absolute timeout must not be shorter than the idle timeout.');
  }
  problems.push(...allowListProblems(settings.ipAllowList.entries));
  return problems;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
