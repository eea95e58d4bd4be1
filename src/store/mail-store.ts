import { randomUUID } from 'node:crypto';
import type { EmailMessage } from '../domain/email-message.js';
import type { Executor } from './handle.js';
import type { Selectable } from 'kysely';
import type { MailOutboxTable } from './schema.js';

export type QueuedMail = Selectable<MailOutboxTable>;

/** Queues an email inside the caller's transaction. */
export async function enqueueMail(
  db: Executor,
  mail: EmailMessage & { readonly practiceId: string | null; readonly at: number },
): Promise<void> {
  await db
    .insertInto('mail_outbox')
    .values({
      id: randomUUID(),
      practice_id: mail.practiceId,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      created_at: mail.at,
      next_attempt_at: mail.at,
    })
    .execute();
}

/**
 * Claims due emails for delivery by pushing their next attempt past a lease, so another
 * instance polling at the same time skips them; an instance that dies mid-send leaves them
 * to be retried when the lease runs out.
 */
export async function claimDueMail(
  db: Executor,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<QueuedMail[]> {
  const due = await db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const claimed: QueuedMail[] = [];
  for (const mail of due) {
    const result = await db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: now + leaseMs })
      .where('id', '=', mail.id)
      .where('next_attempt_at', '=', mail.next_attempt_at)
      .where('sent_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) claimed.push(mail);
  }
  return claimed;
}

/**
 * What a delivered email's body becomes: a body may carry a secret (a reset link), and once the
 * message is out the outbox need not hold it; recipient, subject and times stay for the record.
 */
export const ERASED_BODY = '[erased after delivery]';

/** Marks an email delivered and erases its body in the same statement, so no delivered body stays. */
export async function markMailSent(db: Executor, id: string, at: number): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ sent_at: at, last_error: null, text_body: ERASED_BODY, html_body: ERASED_BODY })
    .where('id', '=', id)
    .execute();
}

/** The emails not delivered yet: how many, and when the oldest was queued (null when none). */
export async function unsentMailSummary(
  db: Executor,
): Promise<{ readonly count: number; readonly oldestCreatedAt: number | null }> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.min<number | string | null>('created_at').as('oldest'),
    ])
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestCreatedAt: row.oldest === null ? null : Number(row.oldest) };
}

export async function markMailFailed(
  db: Executor,
  id: string,
  failure: { readonly attempts: number; readonly retryAt: number; readonly error: string },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      attempts: failure.attempts,
      next_attempt_at: failure.retryAt,
      last_error: failure.error.slice(0, 500),
    })
    .where('id', '=', id)
    .execute();
}
