import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { retryBackoffMs } from '../../domain/retry-backoff.js';
import {
  claimDueMail,
  markMailFailed,
  markMailSent,
  unsentMailSummary,
  type QueuedMail,
} from '../../store/mail-store.js';
import type { ServiceDeps } from '../context.js';
import { startRepeatingTask, type RepeatingTask } from '../operations/repeating-task.js';

/**
 * Delivers the mail outbox: over SMTP when SMTP_URL is set, otherwise as one RFC 5322 `.eml`
 * file per message under DATA_DIR/outbox/. Failures retry with exponential backoff
 * (30 s, 1 min, 2 min … capped at 1 h); the log names the subject only, never the body.
 */
export const MAIL_LEASE_MS = 60_000;
export const MAIL_MAX_BACKOFF_MS = 3_600_000;

export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: QueuedMail): Promise<void>;
}

export function createMailTransport(options: {
  smtpUrl: string | undefined;
  dataDir: string;
  /** MAIL_FROM: `addr@domain` or `Name <addr@domain>`. */
  from: string;
}): MailTransport {
  // Message ids in the sender's domain, as mail relays expect.
  const domain = /@([^\s<>@]+)>?$/.exec(options.from)?.[1] ?? 'gatehouse.invalid';
  const message = (mail: QueuedMail) => ({
    from: options.from,
    to: mail.to_address,
    subject: mail.subject,
    text: mail.text_body,
    html: mail.html_body,
    messageId: `<${mail.id}@${domain}>`,
    date: new Date(Number(mail.created_at)),
  });
  if (options.smtpUrl) {
    const smtp = nodemailer.createTransport(options.smtpUrl);
    return { kind: 'smtp', send: async (mail) => void (await smtp.sendMail(message(mail))) };
  }
  const outbox = path.join(options.dataDir, 'outbox');
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'file',
    async send(mail) {
      const built = await builder.sendMail(message(mail));
      await mkdir(outbox, { recursive: true });
      const stamp = new Date(Number(mail.created_at)).toISOString().replace(/[:.]/g, '-');
      await writeFile(path.join(outbox, `${stamp}-${mail.id}.eml`), built.message as Buffer, { mode: 0o600 });
    },
  };
}

export interface MailLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** One pass over the due emails; returns how many were delivered. */
export async function deliverDueMail(
  { store, clock }: Pick<ServiceDeps, 'store' | 'clock'>,
  { transport, logger }: { readonly transport: MailTransport; readonly logger: MailLogger },
): Promise<number> {
  const claimed = await claimDueMail(store.db, clock.now(), MAIL_LEASE_MS, 20);
  let delivered = 0;
  for (const mail of claimed) {
    try {
      await transport.send(mail);
      await markMailSent(store.db, mail.id, clock.now());
      logger.info({ mailId: mail.id, subject: mail.subject }, 'email delivered');
      delivered++;
    } catch (error) {
      const attempts = mail.attempts + 1;
      const retryAt = clock.now() + retryBackoffMs(attempts, MAIL_MAX_BACKOFF_MS);
      const reason = (error as Error).message;
      await markMailFailed(store.db, mail.id, { attempts, retryAt, error: reason });
      // The transport's own words (refused connection, rejected login, a relay's 5xx), never the message's body.
      logger.warn(
        { mailId: mail.id, subject: mail.subject, attempts, reason },
        'email delivery failed; will retry',
      );
    }
  }
  return delivered;
}

export interface MailQueueState {
  /** Emails queued and not delivered yet (waiting for their first try or a retry). */
  readonly pending: number;
  /** Seconds since the oldest of them was queued; 0 when none waits. */
  readonly oldestAgeSeconds: number;
}

/** The outbox as /metrics shows it: a queue that grows or ages means mail is not going out. */
export async function mailQueueState({
  store,
  clock,
}: Pick<ServiceDeps, 'store' | 'clock'>): Promise<MailQueueState> {
  const { count, oldestCreatedAt } = await unsentMailSummary(store.db);
  return {
    pending: count,
    oldestAgeSeconds: oldestCreatedAt === null ? 0 : Math.max(0, (clock.now() - oldestCreatedAt) / 1000),
  };
}

/** Polls the outbox until stopped. A database outage only delays mail; it is retried next tick. */
export function startMailDelivery(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  {
    intervalMs = 1000,
    ...delivery
  }: { readonly transport: MailTransport; readonly logger: MailLogger; readonly intervalMs?: number },
): RepeatingTask {
  return startRepeatingTask(() => deliverDueMail(deps, delivery), {
    intervalMs,
    onFailure: () => undefined,
  });
}
