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
}

export interface PolicyViolation {
  rule: string;
  message: string;
}
