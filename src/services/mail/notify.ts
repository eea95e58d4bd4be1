import { renderEmail, type EmailContent } from '../../domain/email-message.js';
import { describeBrowser } from '../../domain/user-agent.js';
import { zonedTime } from '../../domain/event-labels.js';
import type { Executor } from '../../store/database.js';
import { enqueueMail } from '../../store/mail-store.js';
import type { Practice } from '../../store/practice-store.js';
import type { User } from '../../store/user-store.js';
import type { RequestOrigin } from '../context.js';

/**
 * How every notice opens: with the whole name, which reads naturally for every account, the
 * first practice's "Practice Administrator" too ("Hello Practice," did not).
 */
export function greetingOf(user: Pick<User, 'firstName' | 'lastName'>): string {
  return `Hello ${user.firstName} ${user.lastName},`;
}

/**
 * The one way a flow tells a user about a security change by email: queued in the flow's own
 * transaction, with when, from which IP and which browser, in the practice's time zone.
 */
export async function notifyUser(
  trx: Executor,
  context: {
    readonly user: User;
    readonly practice: Practice;
    readonly origin: RequestOrigin;
    readonly at: number;
  },
  content: Pick<EmailContent, 'subject' | 'paragraphs' | 'action' | 'closing'>,
): Promise<void> {
  const { user, practice, origin, at } = context;
  const message = renderEmail({
    ...content,
    to: user.email,
    practiceName: practice.name,
    greeting: greetingOf(user),
    facts: [
      ['Time', zonedTime(at, practice.settings.timeZone)],
      ['IP address', origin.ip],
      ['Browser', describeBrowser(origin.userAgent)],
    ],
  });
  await enqueueMail(trx, { ...message, practiceId: practice.id, at });
}
