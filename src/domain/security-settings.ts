/**
 * A practice's security settings and their defaults (DESIGN.md, "Practice security settings").
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
