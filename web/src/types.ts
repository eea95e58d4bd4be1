export type Stage = 'anonymous' | 'two_factor' | 'password_change' | 'two_factor_enrollment' | 'signed_in';

export type Role = 'practice_admin' | 'clinical_admin' | 'clinician' | 'scheduler' | 'biller' | 'intern';

export interface Practice {
  code: string;
  name: string;
}

export interface User {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Known values are {@link Role}; unknown ones are shown as written. */
  roles: string[];
  supervisor?: boolean;
  practice: Practice;
}

export interface SessionTimes {
  idleTimeoutMinutes: number;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

export interface SessionInfo extends Partial<SessionTimes> {
  stage: Stage;
  user: User | null;
}

export interface NextStage {
  next: Stage;
}

export interface LastLogin {
  at: string;
  ip: string;
  browser: string;
}

export interface SecuritySummary {
  lastLogin: LastLogin | null;
  passwordChangedAt: string | null;
  twoFactor: {
    enabled: boolean;
    recoveryCodesRemaining: number | null;
  };
  /** The practice's time zone (issue 5), in which times are shown. */
  timeZone?: string;
}

export interface PolicyViolation {
  rule: string;
  message: string;
}

export interface IpAllowListEntry {
  name: string;
  cidr: string;
}

export interface PasswordRequirement {
  rule: string;
  text: string;
}

export interface PasswordPolicySettings {
  minLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
  expiryDays: number | null;
  historyCount: number;
  maxRepeatedChars: number | null;
}

export interface PasswordPolicy {
  policy: PasswordPolicySettings;
  requirements: PasswordRequirement[];
  contextWords: string[];
}

export interface StaffUser extends User {
  status: 'active' | 'deactivated';
  createdAt: string;
  lastLoginAt: string | null;
  passwordMustChange: boolean;
}

export interface NewStaffUser {
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  roles: string[];
}

export interface TemporaryPassword {
  temporaryPassword: string;
  expiresAt: string;
}

/** The practice's security settings document (GET/PUT /api/practice/security-settings), all fields. */
export interface SecuritySettings {
  passwordPolicy: PasswordPolicySettings;
  requireTwoFactor: boolean;
  rememberBrowserDays: number;
  idleTimeoutMinutes: number;
  absoluteTimeoutHours: number;
  singleSession: boolean;
  lockout: { threshold: number; minutes: number };
  ipAllowList: { enabled: boolean; entries: IpAllowListEntry[] };
  temporaryPasswordHours: number;
  timeZone: string;
}
/** Extra facts of GET /api/me/security (issue 5). */
export interface SecurityExtras {
  activeSessions: number;
  timeZone: string;
}

export type FullSecuritySummary = SecuritySummary & SecurityExtras;

/** GET /api/staff/:id/security. */
export interface StaffSecuritySummary extends FullSecuritySummary {
  locked: { until: string } | null;
  user: { id: string; username: string; firstName: string; lastName: string };
}

export interface EventParty {
  id: string;
  username: string;
}

export interface ActivityEvent {
  id: string;
  at: string;
  type: string;
  outcome: 'success' | 'failure';
  actor: EventParty | null;
  target: EventParty | null;
  ip: string;
  browser: string;
  userAgent: string;
  details: Record<string, string | number | boolean | null>;
  /** What happened, in words (src/domain/event-labels.ts). */
  name: string;
  /** `at` in the practice's time zone, zone shown. */
  localTime: string;
  /** The details in plain words. */
  summary: string;
}

export interface ActivityPage {
  items: ActivityEvent[];
  nextCursor: string | null;
}

export interface EventTypeGroup {
  key: string;
  label: string;
  types: { type: string; label: string }[];
}

export interface SessionItem {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  browser: string;
}
