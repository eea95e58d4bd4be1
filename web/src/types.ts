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

export interface SessionInfo {
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
