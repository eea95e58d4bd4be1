import type { EventType } from './audit-event.js';
import { boundedCache } from './bounded-cache.js';

/**
 * The one catalogue of how events read to a person (the activity log, its CSV, emails):
 * every event type's name, and its details in plain words with times in the practice's
 * time zone. The Record type makes a new event type without a name a compile error.
 */
export const EVENT_LABELS: Record<EventType, string> = {
  'login.succeeded': 'Logged in',
  'login.failed': 'Login failed',
  'login.throttled': 'Login attempts slowed down',
  logout: 'Logged out',
  'session.expired': 'Session timed out',
  'session.revoked': 'Logged out by revocation',
  'two_factor.succeeded': 'Two-factor code accepted',
  'two_factor.failed': 'Two-factor code rejected',
  'two_factor.enrolled': 'Two-factor authentication turned on',
  'two_factor.disabled': 'Two-factor authentication turned off',
  'two_factor.removed_by_admin': 'Two-factor authentication removed by an administrator',
  'recovery_code.used': 'Recovery code used',
  'recovery_codes.regenerated': 'Recovery codes replaced',
  'password.changed': 'Password changed',
  'password.admin_reset': 'Password reset by an administrator',
  'password.reset_requested': 'Password reset requested',
  'password.reset_completed': 'Password reset completed',
  'password.temporary_used': 'Temporary password used',
  'practice_code.reminder_requested': 'Practice code reminder requested',
  'account.locked': 'Account locked',
  'account.unlocked': 'Account unlocked',
  'user.created': 'User created',
  'user.updated': 'User edited',
  'user.deactivated': 'User deactivated',
  'user.reactivated': 'User reactivated',
  'user.roles_changed': 'Roles changed',
  'practice.created': 'Practice created',
  'settings.changed': 'Security settings changed',
  'activity.viewed': 'Activity log viewed',
  'passkey.added': 'Passkey added',
  'passkey.removed': 'Passkey removed',
  'passkey.renamed': 'Passkey renamed',
  'remembered_browser.added': 'Browser remembered for two-factor',
  'remembered_browser.removed': 'Remembered browser forgotten',
  'user.access_restored': 'Access restored in an emergency',
  'app.signed_in': 'Logged in to a connected app',
  'app.created': 'Connected app added',
  'app.updated': 'Connected app edited',
  'app.secret_rotated': 'Connected app secret replaced',
  'app.deleted': 'Connected app removed',
  'app.signed_out': 'Logged out of a connected app',
  'notice.new_device': 'New-device email sent',
  'notice.admin_alert': 'Administrators alerted',
  'notice.admin_digest': 'Daily administrator digest sent',
};

/** A type's name; a type this server does not know (an older export's) reads as it is. */
export function eventLabel(type: string): string {
  return (EVENT_LABELS as Partial<Record<string, string>>)[type] ?? type;
}

type DetailValue = string | number | boolean | null;

interface DescribedEvent {
  readonly type: string;
  readonly details: Readonly<Record<string, DetailValue>>;
}

/** The name of one event: a two-factor step skipped by a remembered browser says so. */
export function eventName(event: DescribedEvent): string {
  if (event.type === 'two_factor.succeeded' && event.details.method === 'remembered_browser')
    return 'Remembered browser recognised';
  return eventLabel(event.type);
}

/** Detail keys in words; a key not listed reads with its underscores and capitals spaced out. */
const DETAIL_WORDS: Readonly<Record<string, string>> = {
  reason: 'Why',
  method: 'Method',
  forced: 'Required change',
  expiresAt: 'Expires',
  until: 'Until',
  lockedUntil: 'Was locked until',
  failures: 'Failed attempts',
  lockNumber: 'Lock number',
  minutes: 'Minutes',
  pendingSignInsEnded: 'Unfinished logins ended',
  sessions: 'Sessions ended',
  browsers: 'Browsers',
  remaining: 'Codes left',
  practiceCode: 'Practice code entered',
  username: 'User name entered',
  email: 'Email entered',
  roles: 'Roles',
  supervisor: 'Supervisor',
  changed: 'Changed',
  from: 'From',
  to: 'To',
  by: 'By',
  code: 'Practice code',
  name: 'Name',
  browser: 'Browser',
  alert: 'Alert',
  delivery: 'Sent',
  administrators: 'Administrators emailed',
  alerts: 'Alerts',
  day: 'Day',
};

/** Reason and method codes in words. */
const CODE_WORDS: Readonly<Record<string, string>> = {
  wrong_password: 'wrong password',
  unknown_user: 'no such user name',
  unknown_practice: 'no such practice code',
  account_locked: 'the account is locked',
  locked: 'the account is locked',
  deactivated: 'the account is deactivated',
  temporary_password_expired: 'the temporary password had expired',
  session_ended: 'the login had already ended',
  not_enrolled: 'two-factor authentication is not set up',
  ip_not_allowed: 'not an allowed computer address',
  idle_timeout: 'no activity for too long',
  absolute_timeout: 'the longest allowed session ended',
  signed_out_by_user: 'the user signed it out',
  signed_out_everywhere: 'an administrator signed the user out everywhere',
  single_session: 'the user logged in somewhere else (one session per user)',
  user_deactivated: 'the user was deactivated',
  password_changed: 'the password was changed',
  password_reset: 'the password was reset',
  admin_password_reset: 'an administrator reset the password',
  two_factor_disabled: 'two-factor authentication was turned off',
  two_factor_removed: 'two-factor authentication was removed',
  invalid_code: 'wrong code',
  replayed_code: 'a code that was already used',
  invalid_current_password: 'wrong current password',
  invalid_token: 'the link was used or had expired',
  unknown_email: 'no account has this email',
  totp: 'authenticator app',
  passkey: 'passkey',
  recovery_code: 'recovery code',
  remembered_browser: 'remembered browser',
  practice_admin: 'a Practice Administrator',
  cli: 'the server’s command line',
  admin_granted: 'a Practice Administrator was added',
  settings_changed: 'security settings were changed',
  immediately: 'at once',
  digest: 'in the next daily digest',
};

/** What was read, for "Activity log viewed". */
const VIEW_SCOPES: Readonly<Record<string, string>> = {
  practice: 'the practice’s activity log',
  user: 'one user’s activity log',
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** One formatter per zone: making one costs far more than formatting with it (an export formats millions). */
const zoneFormats = boundedCache<string, Intl.DateTimeFormat>(64);

/** "Nov 28, 2026, 8:01 AM EST": a time in the practice's zone, with the zone shown (events and emails alike). */
export function zonedTime(at: number | string, timeZone: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return zoneFormats(
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      }),
  ).format(date);
}

function spacedOut(key: string): string {
  const words = key
    .replace(/[._]/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function valueWords(value: DetailValue, timeZone: string): string {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (ISO_TIME.test(value)) return zonedTime(value, timeZone);
  return CODE_WORDS[value] ?? value.replace(/_/g, ' ');
}

/**
 * An event's details in plain words, "Why: wrong password; Expires: Nov 28, 2026, 8:01 AM EST";
 * empty when there are none.
 */
export function describeDetails(event: DescribedEvent, timeZone: string): string {
  if (event.type === 'activity.viewed') {
    const what = VIEW_SCOPES[String(event.details.scope)] ?? 'the activity log';
    return event.details.format === 'csv' ? `Downloaded ${what} as CSV` : `Opened ${what}`;
  }
  if (event.type === 'login.throttled') {
    const { per, limit, windowMinutes, until } = event.details;
    const from = per === 'ip' ? 'from this IP address' : 'for this account';
    const typed = event.details.username ? ` (user name entered: ${String(event.details.username)})` : '';
    return `More than ${String(limit)} login attempts ${from} in ${String(windowMinutes)} minutes; further attempts refused until ${valueWords(until ?? null, timeZone)}${typed}`;
  }
  if (event.type === 'two_factor.succeeded' && event.details.method === 'remembered_browser')
    return 'No code asked: the user chose “Remember this browser” here before';
  return Object.entries(event.details)
    .map(([key, value]) => `${DETAIL_WORDS[key] ?? spacedOut(key)}: ${valueWords(value, timeZone)}`)
    .join('; ');
}

/**
 * An event's name and details in words from its details as stored (the JSON text the chain
 * hashed), for the CSV export; details that are not a JSON object read as none.
 */
export function storedEventWords(
  type: string,
  storedDetails: string,
  timeZone: string,
): { readonly name: string; readonly description: string } {
  let details: Readonly<Record<string, DetailValue>> = {};
  try {
    const parsed: unknown = JSON.parse(storedDetails);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      details = Object.fromEntries(
        Object.entries(parsed).map(([key, value]: [string, unknown]) => [
          key,
          typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as DetailValue),
        ]),
      );
  } catch {
    // Not JSON: the exact column still holds it as stored.
  }
  const event = { type, details };
  return { name: eventName(event), description: describeDetails(event, timeZone) };
}
