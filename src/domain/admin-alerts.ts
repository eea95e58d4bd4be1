/**
 * Alerts to a practice's administrators (services/mail/admin-alerts.ts): what is alerted, how
 * many immediate alerts a practice gets per hour, and when its daily digest is due.
 */
export const ADMIN_ALERT_KINDS = [
  'account_locked',
  'two_factor_removed',
  'admin_granted',
  'settings_changed',
] as const;
export type AdminAlertKind = (typeof ADMIN_ALERT_KINDS)[number];

/** The practice setting: each alert emailed at once, or all of a day's in one digest. */
export const ADMIN_ALERT_DELIVERIES = ['immediately', 'daily_digest'] as const;
export type AdminAlertDelivery = (typeof ADMIN_ALERT_DELIVERIES)[number];

/**
 * At most this many alerts a practice's administrators are emailed at once per hour (one fixed
 * window per practice, counted across instances); the rest of that hour's alerts are folded
 * into the next daily digest, so a flood of lockouts cannot flood their inboxes.
 */
export const IMMEDIATE_ALERTS_PER_HOUR = 5;
export const ALERT_WINDOW_MS = 3_600_000;

/** The digest goes out at the first check from this hour (in the practice's time zone) on. */
export const DIGEST_HOUR = 7;

/** The subject of an immediate alert. */
export const ALERT_SUBJECTS: Readonly<Record<AdminAlertKind, string>> = {
  account_locked: 'Security alert: an account was locked',
  two_factor_removed: 'Security alert: two-factor authentication was removed',
  admin_granted: 'Security alert: a Practice Administrator was added',
  settings_changed: 'Security alert: security settings were changed',
};

/**
 * The practice's local date ("2026-12-07") once its digest hour has come that day; undefined
 * before that hour. One digest per practice per local date.
 */
export function dueDigestDay(now: number, timeZone: string): string | undefined {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(now))
      .map((part) => [part.type, part.value]),
  );
  if (Number(parts.hour) < DIGEST_HOUR) return undefined;
  return `${parts.year}-${parts.month}-${parts.day}`;
}
