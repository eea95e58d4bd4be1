import { retryBackoffMs } from '../../domain/retry-backoff.js';
import {
  claimDueLogouts,
  deleteLogout,
  markLogoutFailed,
  type QueuedLogout,
} from '../../store/oidc-app-sign-in-store.js';
import type { Store } from '../../store/database.js';
import { findAppByClientId } from '../../store/oidc-app-store.js';
import { findUserById } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { Clock, RequestOrigin, ServiceDeps } from '../context.js';
import type { MailLogger } from '../mail/mail-delivery.js';
import { startRepeatingTask, type RepeatingTask } from '../operations/repeating-task.js';

/**
 * Delivers back-channel logouts: a Gatehouse session that ended left one row per app it signed
 * in to (store/oidc-app-sign-in-store.ts), and each app is sent a logout token for the session's
 * `sid`. A refused or unanswered delivery retries with exponential backoff (30 s, 1 min, 2 min …
 * capped at 1 h) for about a day, then is given up. Each app told, or given up on, is recorded as
 * `app.signed_out` in the user's practice. Rows are claimed with a lease, so several instances
 * share the outbox without sending one twice, and a restart loses none.
 */
export const LOGOUT_LEASE_MS = 60_000;
export const LOGOUT_MAX_BACKOFF_MS = 3_600_000;
/** 7 tries in the first hour, then one an hour: about a day. */
export const LOGOUT_MAX_ATTEMPTS = 30;

/** Sends one app its logout token; false when the app is gone or takes no back-channel logout. */
export type AppLogoutSender = (logout: {
  readonly clientId: string;
  readonly sub: string;
  readonly sid: string;
}) => Promise<boolean>;

const ORIGIN: RequestOrigin = { ip: '127.0.0.1', userAgent: 'gatehouse back-channel logout' };

/**
 * One pass over the due logouts, sent at once (an app that does not answer holds up no other
 * app; the provider waits 2.5 s for each); returns how many apps were told.
 */
export async function deliverDueAppLogouts(
  { store, clock }: Pick<ServiceDeps, 'store' | 'clock'>,
  { send, logger }: { readonly send: AppLogoutSender; readonly logger: MailLogger },
): Promise<number> {
  const claimed = await claimDueLogouts(store.db, clock.now(), LOGOUT_LEASE_MS, 20);
  const told = await Promise.all(claimed.map((logout) => deliverOne(store, send, clock, logger, logout)));
  return told.filter(Boolean).length;
}

async function deliverOne(
  store: Store,
  send: AppLogoutSender,
  clock: Clock,
  logger: MailLogger,
  logout: QueuedLogout,
): Promise<boolean> {
  const log = { clientId: logout.client_id, userId: logout.user_id };
  let sent: boolean;
  try {
    sent = await send({ clientId: logout.client_id, sub: logout.user_id, sid: logout.sid });
  } catch (error) {
    const attempts = logout.attempts + 1;
    const reason = (error as Error).message;
    if (attempts < LOGOUT_MAX_ATTEMPTS) {
      const retryAt = clock.now() + retryBackoffMs(attempts, LOGOUT_MAX_BACKOFF_MS);
      await markLogoutFailed(store.db, logout.id, { attempts, retryAt, error: reason });
      logger.warn({ ...log, attempts, reason }, 'back-channel logout failed; will retry');
    } else {
      await finish(store, clock, logout, 'failure');
      logger.warn({ ...log, attempts, reason }, 'back-channel logout failed; given up');
    }
    return false;
  }
  if (!sent) {
    await deleteLogout(store.db, logout.id);
    return false;
  }
  await finish(store, clock, logout, 'success');
  logger.info(log, 'back-channel logout delivered');
  return true;
}

/** Removes the row and records `app.signed_out`, in one transaction. */
async function finish(
  store: Store,
  clock: Clock,
  logout: QueuedLogout,
  outcome: 'success' | 'failure',
): Promise<void> {
  await store.transaction(async (trx) => {
    await deleteLogout(trx, logout.id);
    const user = await findUserById(trx, logout.practice_id, logout.user_id);
    const app = await findAppByClientId(trx, logout.client_id);
    await audit(trx, {
      practiceId: logout.practice_id,
      type: 'app.signed_out',
      outcome,
      actor: null,
      target: user ?? null,
      origin: ORIGIN,
      at: clock.now(),
      details: {
        app: (app?.app.name ?? logout.client_id).slice(0, 100),
        clientId: logout.client_id,
        attempts: logout.attempts + 1,
      },
    });
  });
}

/** Polls the outbox until stopped. A database outage only delays logouts; they are retried next tick. */
export function startAppLogoutDelivery(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  {
    intervalMs = 1000,
    ...delivery
  }: { readonly send: AppLogoutSender; readonly logger: MailLogger; readonly intervalMs?: number },
): RepeatingTask {
  return startRepeatingTask(() => deliverDueAppLogouts(deps, delivery), {
    intervalMs,
    onFailure: () => undefined,
  });
}
