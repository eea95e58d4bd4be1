import {
  ALERT_SUBJECTS,
  ALERT_WINDOW_MS,
  dueDigestDay,
  IMMEDIATE_ALERTS_PER_HOUR,
  type AdminAlertKind,
} from '../../domain/admin-alerts.js';
import type { EventParty } from '../../domain/audit-event.js';
import { renderEmail } from '../../domain/email-message.js';
import { zonedTime } from '../../domain/event-labels.js';
import { isPracticeAdmin } from '../../domain/roles.js';
import {
  claimDigestDay,
  practicesWithPendingAlerts,
  queueAlertForDigest,
  takePendingAlerts,
} from '../../store/admin-alert-store.js';
import type { Executor } from '../../store/database.js';
import { enqueueMail } from '../../store/mail-store.js';
import { findPracticeById, type Practice } from '../../store/practice-store.js';
import { takeRateLimitHits } from '../../store/rate-limit-store.js';
import { listPracticeUsers, type User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { startRepeatingTask, type RepeatingTask } from '../operations/repeating-task.js';
import { greetingOf, notifyUser } from './notify.js';

/**
 * Alerts to a practice's administrators (docs/admin-guide.md "Security alerts"): a lockout, a
 * two-factor removal (by an administrator or by the user), the Practice Administrator role
 * granted, the security settings changed. Each flow calls alertAdministrators in its own
 * transaction, so an alert is queued exactly when its change commits.
 *
 * - Who: every active Practice Administrator but the one who made the change (they know).
 * - When: the practice's `adminAlerts` setting. "immediately" emails each alert at once, but at
 *   most IMMEDIATE_ALERTS_PER_HOUR per practice per hour (a fixed window in `rate_limits`,
 *   counted in one atomic statement across instances); further alerts that hour are folded into
 *   the next daily digest. "daily_digest" keeps every alert for the digest.
 * - The digest: a repeating task on every instance (startAdminAlertDigests) looks at the
 *   practices with alerts waiting; once a practice's day has reached DIGEST_HOUR in its time
 *   zone, one transaction claims that practice's local date (a row in admin_alert_digests, which
 *   only one instance can insert), takes the waiting alerts and queues one email to each
 *   administrator. Alerts that arrive after that day's digest wait for the next day's.
 * - Recorded: `notice.admin_alert` for each alert (sent at once or kept), `notice.admin_digest`
 *   for each digest.
 */
export interface AdminAlert {
  readonly kind: AdminAlertKind;
  readonly practice: Practice;
  /** Who made the change; null when nobody did (a lockout). */
  readonly actor: User | null;
  /** The account the alert is about, if any; the event names it. */
  readonly target: EventParty | null;
  /** What happened, in words; never a secret. */
  readonly summary: string;
  readonly origin: RequestOrigin;
  readonly at: number;
}

/** The longest list of alerts one digest email shows; the rest are counted. */
export const DIGEST_LINES = 50;
export const DIGEST_INTERVAL_MS = 5 * 60_000;
/** The digest's event comes from the server itself, not a request. */
const DIGEST_ORIGIN: RequestOrigin = { ip: '127.0.0.1', userAgent: 'gatehouse digest' };

/** "Jamie Rivera (user name jrivera)". */
export function whoIs(user: Pick<User, 'firstName' | 'lastName' | 'username'>): string {
  return `${user.firstName} ${user.lastName} (user name ${user.username})`;
}

export async function alertAdministrators(trx: Executor, alert: AdminAlert): Promise<void> {
  const { practice, kind, origin, at } = alert;
  const administrators = (await activeAdministrators(trx, practice.id)).filter(
    (admin) => admin.id !== alert.actor?.id,
  );
  if (administrators.length === 0) return;
  const immediately =
    practice.settings.adminAlerts === 'immediately' &&
    (
      await takeRateLimitHits(
        trx,
        [{ key: `admin-alerts:${practice.id}`, max: IMMEDIATE_ALERTS_PER_HOUR, windowMs: ALERT_WINDOW_MS }],
        at,
      )
    ).size > 0;
  if (immediately)
    for (const admin of administrators)
      await notifyUser(
        trx,
        { user: admin, practice, origin, at },
        {
          subject: ALERT_SUBJECTS[kind],
          paragraphs: [
            alert.summary,
            'You are told because you are a Practice Administrator of the practice.',
          ],
          closing:
            'If this was expected, nothing needs doing. If not, check the activity log and treat it as a security incident.',
        },
      );
  else await queueAlertForDigest(trx, practice.id, { kind, summary: alert.summary, at });
  await audit(trx, {
    practiceId: practice.id,
    type: 'notice.admin_alert',
    outcome: 'success',
    actor: null,
    target: alert.target,
    origin,
    at,
    details: {
      alert: kind,
      delivery: immediately ? 'immediately' : 'digest',
      administrators: immediately ? administrators.length : 0,
    },
  });
}

async function activeAdministrators(db: Executor, practiceId: string): Promise<User[]> {
  return (await listPracticeUsers(db, practiceId)).filter(
    (user) => user.status === 'active' && isPracticeAdmin(user.roles),
  );
}

/** Sends every digest that is due now; returns how many practices' digests this call sent. */
export async function sendDueDigests({
  store,
  clock,
}: Pick<ServiceDeps, 'store' | 'clock'>): Promise<number> {
  const now = clock.now();
  let sent = 0;
  for (const practiceId of await practicesWithPendingAlerts(store.db)) {
    const practice = await findPracticeById(store.db, practiceId);
    const day = practice && dueDigestDay(now, practice.settings.timeZone);
    if (!practice || !day) continue;
    const sentHere = await store.transaction(async (trx) => {
      if (!(await claimDigestDay(trx, { practiceId, day, at: now }))) return false;
      const alerts = await takePendingAlerts(trx, practiceId, day);
      if (alerts.length === 0) return false;
      const administrators = await activeAdministrators(trx, practiceId);
      const { timeZone } = practice.settings;
      const lines = alerts
        .slice(0, DIGEST_LINES)
        .map((alert) => `${zonedTime(alert.at, timeZone)}: ${alert.summary}`);
      if (alerts.length > DIGEST_LINES)
        lines.push(`… and ${alerts.length - DIGEST_LINES} more; the activity log has every one.`);
      const count = alerts.length === 1 ? '1 security alert' : `${alerts.length} security alerts`;
      for (const admin of administrators) {
        const message = renderEmail({
          to: admin.email,
          practiceName: practice.name,
          subject: `Daily security digest: ${count}`,
          greeting: greetingOf(admin),
          paragraphs: [`${count} in ${practice.name} since the last digest:`, ...lines],
          closing:
            'You are told because you are a Practice Administrator. If any of these was not expected, check the activity log and treat it as a security incident.',
        });
        await enqueueMail(trx, { ...message, practiceId, at: now });
      }
      await audit(trx, {
        practiceId,
        type: 'notice.admin_digest',
        outcome: 'success',
        actor: null,
        origin: DIGEST_ORIGIN,
        at: now,
        details: { day, alerts: alerts.length, administrators: administrators.length },
      });
      return true;
    });
    if (sentHere) sent++;
  }
  return sent;
}

export interface DigestLogger {
  warn(object: object, message: string): void;
}

/** Checks for due digests now and every intervalMs until stopped (services/operations/repeating-task.ts). */
export function startAdminAlertDigests(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  {
    logger,
    intervalMs = DIGEST_INTERVAL_MS,
  }: { readonly logger: DigestLogger; readonly intervalMs?: number },
): RepeatingTask {
  return startRepeatingTask(() => sendDueDigests(deps), {
    intervalMs,
    immediately: true,
    onFailure: (error) =>
      logger.warn({ error: (error as Error).message }, 'administrator digest failed; will retry'),
  });
}
