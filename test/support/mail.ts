import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One delivered .eml, with its quoted-printable body decoded so links and text can be matched. */
export interface DeliveredMail {
  readonly file: string;
  readonly to: string;
  readonly raw: string;
  readonly text: string;
}

export function decodeQuotedPrintable(value: string): string {
  const joined = value.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i] ?? '', 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Every .eml in the outbox folder, oldest first (file names start with the time). */
export function readOutbox(outboxDir: string): DeliveredMail[] {
  let files: string[];
  try {
    files = readdirSync(outboxDir).filter((file) => file.endsWith('.eml'));
  } catch {
    return [];
  }
  return files.sort().map((file) => {
    const raw = readFileSync(path.join(outboxDir, file), 'utf8');
    const to = /^To: (.*)\r?$/m.exec(raw)?.[1]?.trim() ?? '';
    return { file, to, raw, text: decodeQuotedPrintable(raw) };
  });
}

/** The reset token from the newest reset email sent to `to`. */
export function resetTokenFor(outboxDir: string, to: string): string | undefined {
  const mails = readOutbox(outboxDir).filter((mail) => mail.to === to && mail.text.includes('#token='));
  const last = mails[mails.length - 1];
  return last && /\/reset-password#token=([\w-]+)/.exec(last.text)?.[1];
}
