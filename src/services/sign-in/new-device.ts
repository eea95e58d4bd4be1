import { deviceKey } from '../../domain/known-device.js';
import { describeBrowser } from '../../domain/user-agent.js';
import type { Executor } from '../../store/database.js';
import { rememberDevice } from '../../store/known-device-store.js';
import type { Practice } from '../../store/practice-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin } from '../context.js';
import { notifyUser } from '../mail/notify.js';

/**
 * The new-device email: at each completed sign-in the device (browser family, operating system
 * and network, hashed: domain/known-device.ts says why and how) is remembered for the user; a
 * device not seen before gets the user a "Was this you?" email with the time in the practice's
 * zone, the IP address and the browser, recorded as `notice.new_device`. A user's first device
 * (a new account's first sign-in, or the first since this feature came) is remembered quietly.
 * Runs in the sign-in's own transaction.
 */
export async function noticeNewDevice(
  trx: Executor,
  context: {
    readonly user: User;
    readonly practice: Practice;
    readonly origin: RequestOrigin;
    readonly now: number;
  },
): Promise<void> {
  const { user, practice, origin, now } = context;
  const device = await rememberDevice(trx, { userId: user.id, hash: deviceKey(user.id, origin), at: now });
  if (device.known || device.firstDevice) return;
  await notifyUser(
    trx,
    { user, practice, origin, at: now },
    {
      subject: 'Was this you? A new login to your account',
      paragraphs: [
        `Your ${practice.name} account was just logged in to from a browser or network it has not been used from before.`,
        'If this was you, nothing needs doing.',
        'If it was not you: change your password now (Profile > Security & Activity > Change Password), then tell your Practice Administrator, who can sign you out everywhere.',
      ],
      closing: 'Not sure? Contact your Practice Administrator right away.',
    },
  );
  await audit(trx, {
    practiceId: practice.id,
    type: 'notice.new_device',
    outcome: 'success',
    actor: null,
    target: user,
    origin,
    at: now,
    details: { browser: describeBrowser(origin.userAgent) },
  });
}
