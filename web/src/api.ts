import type {
  ActivityPage,
  EventTypeGroup,
  SecuritySummary,
  NewStaffUser,
  NextStage,
  PasswordPolicy,
  PolicyViolation,
  SecuritySettings,
  SessionInfo,
  SessionItem,
  SessionTimes,
  StaffSecuritySummary,
  SecurityOverviewReport,
  StaffList,
  StaffMember,
  StaffUser,
  TemporaryPassword,
  User,
} from './types.js';

/** The server's readable CSRF cookie: `__Host-gh_csrf` when served over https, else `gh_csrf`. */
const CSRF_COOKIES = ['__Host-gh_csrf', 'gh_csrf'];
const CSRF_HEADER = 'x-csrf-token';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An error the UI can show as is: `message` is always a sentence a person can act on. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly violations: PolicyViolation[];
  /** account_locked: when the lock ends (ISO 8601), if the server said. */
  readonly lockedUntil: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    violations: PolicyViolation[] = [],
    lockedUntil?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.violations = violations;
    this.lockedUntil = lockedUntil;
  }

  /** True when the session is gone (timed out or signed out elsewhere). */
  get isUnauthenticated(): boolean {
    return this.status === 401 && this.code !== 'invalid_credentials' && this.code !== 'invalid_code';
  }
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Log in again to continue.';
  if (status === 403) return 'You do not have permission to do that.';
  if (status === 404) return 'That could not be found. Reload the page and try again.';
  if (status === 413) return 'That request was too large. Shorten what you entered and try again.';
  if (status === 429) return 'Too many attempts. Wait a few minutes, then try again.';
  if (status >= 500) return 'Gatehouse is temporarily unavailable. Wait a minute, then try again.';
  return 'Something went wrong. Check what you entered and try again.';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toViolations(value: unknown): PolicyViolation[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) =>
    isRecord(v) && typeof v.message === 'string'
      ? [{ rule: typeof v.rule === 'string' ? v.rule : 'unknown', message: v.message }]
      : [],
  );
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, for example): fall back to a message for the status.
  }
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error)) {
    const code = typeof error.code === 'string' ? error.code : `http_${response.status}`;
    const message =
      typeof error.message === 'string' && error.message.trim() !== ''
        ? error.message
        : fallbackMessage(response.status);
    const lockedUntil = typeof error.lockedUntil === 'string' ? error.lockedUntil : undefined;
    return new ApiError(response.status, code, message, toViolations(error.violations), lockedUntil);
  }
  return new ApiError(response.status, `http_${response.status}`, fallbackMessage(response.status));
}

async function send(
  method: Method,
  path: string,
  body: unknown,
  csrfToken: string | null,
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken !== null) headers[CSRF_HEADER] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'We could not reach Gatehouse. Check your internet connection, then try again.',
    );
  }
}

/** Returns the CSRF token, asking the server for one (any GET sets it) when the cookie is missing. */
async function csrfToken(forceRefresh = false): Promise<string | null> {
  const existing = readCsrfCookie();
  if (existing !== null && !forceRefresh) return existing;
  await send('GET', '/api/auth/session', undefined, null);
  return readCsrfCookie();
}

function readCsrfCookie(): string | null {
  for (const name of CSRF_COOKIES) {
    const token = readCookie(name);
    if (token !== null) return token;
  }
  return null;
}

/** Listeners told after every answered API call: each one may have renewed the session's idle timer. */
const activityListeners = new Set<() => void>();

/** Calls `listener` after each API call the server answered; returns the unsubscribe function. */
export function onApiActivity(listener: () => void): () => void {
  activityListeners.add(listener);
  return () => activityListeners.delete(listener);
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const writes = method !== 'GET';
  let response = await send(method, path, body, writes ? await csrfToken() : null);
  if (writes && response.status === 403) {
    // The token may have been rotated (for example after signing in): fetch a fresh one and retry once.
    const error = await toApiError(response.clone());
    if (error.code === 'csrf_failed') response = await send(method, path, body, await csrfToken(true));
  }
  if (response.status !== 401) for (const listener of activityListeners) listener();
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'invalid_response', fallbackMessage(500));
  }
}

export const api = {
  session: () => request<SessionInfo>('GET', '/api/auth/session'),
  login: (practiceCode: string, username: string, password: string) =>
    request<NextStage>('POST', '/api/auth/login', { practiceCode, username, password }),
  logout: () => request<undefined>('POST', '/api/auth/logout'),
  changeTemporaryPassword: (newPassword: string, confirmPassword: string) =>
    request<NextStage>('POST', '/api/auth/password-change', { newPassword, confirmPassword }),
  verifyTwoFactor: (code: string, rememberBrowser: boolean) =>
    request<NextStage>('POST', '/api/auth/two-factor', { code, rememberBrowser }),
  me: () => request<User>('GET', '/api/me'),
  keepAlive: () => request<SessionTimes>('POST', '/api/auth/keep-alive'),
  unlockStaff: (id: string) =>
    request<{ locked: null }>('POST', `/api/staff/${encodeURIComponent(id)}/unlock`),
  passwordPolicy: () => request<PasswordPolicy>('GET', '/api/me/password-policy'),
  changePassword: (body: {
    currentPassword: string;
    newPassword: string;
    confirmPassword: string;
    signOutOtherSessions: boolean;
  }) => request<{ status: string }>('POST', '/api/me/password', body),
  forgotPassword: (practiceCode: string, username: string) =>
    request<undefined>('POST', '/api/auth/forgot-password', { practiceCode, username }),
  resetPassword: (token: string, newPassword: string, confirmPassword: string) =>
    request<undefined>('POST', '/api/auth/reset-password', { token, newPassword, confirmPassword }),
  forgotPracticeCode: (email: string) =>
    request<undefined>('POST', '/api/auth/forgot-practice-code', { email }),
  /** `query`: q, filter, sort and order, as the staff list page keeps them in its URL. */
  staff: (query = '') => request<StaffList>('GET', `/api/staff${query ? `?${query}` : ''}`),
  securityOverview: () => request<SecurityOverviewReport>('GET', '/api/practice/security-overview'),
  staffMember: (id: string) => request<StaffMember>('GET', `/api/staff/${encodeURIComponent(id)}`),
  createStaff: (user: NewStaffUser) =>
    request<{ user: StaffUser } & TemporaryPassword>('POST', '/api/staff', user),
  updateStaff: (
    id: string,
    change: Partial<NewStaffUser> & { status?: 'active' | 'deactivated'; fhirUser?: string | null },
  ) => request<StaffMember>('PATCH', `/api/staff/${encodeURIComponent(id)}`, change),
  resetStaffPassword: (id: string) =>
    request<TemporaryPassword>('POST', `/api/staff/${encodeURIComponent(id)}/reset-password`),
  securitySettings: () => request<SecuritySettings>('GET', '/api/practice/security-settings'),
  saveSecuritySettings: (settings: SecuritySettings) =>
    request<SecuritySettings>('PUT', '/api/practice/security-settings', settings),
  yourAddress: () => request<{ ip: string }>('GET', '/api/practice/computer-access/your-address'),
  mySecurity: () => request<SecuritySummary>('GET', '/api/me/security'),
  activity: (path: string) => request<ActivityPage>('GET', path),
  eventTypes: () => request<{ groups: EventTypeGroup[] }>('GET', '/api/activity/types'),
  mySessions: () => request<SessionItem[]>('GET', '/api/me/sessions'),
  endMySession: (id: string) => request<undefined>('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`),
  endMyOtherSessions: () => request<{ ended: number }>('DELETE', '/api/me/sessions'),
  staffSecurity: (id: string) =>
    request<StaffSecuritySummary>('GET', `/api/staff/${encodeURIComponent(id)}/security`),
  staffSessions: (id: string) =>
    request<SessionItem[]>('GET', `/api/staff/${encodeURIComponent(id)}/sessions`),
  signOutEverywhere: (id: string) =>
    request<{ ended: number }>('POST', `/api/staff/${encodeURIComponent(id)}/sign-out`),
};
