import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../domain/email-message.js';
import { openStore } from '../../store/database.js';
import { enqueueMail } from '../../store/mail-store.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createMailTransport, deliverDueMail, type MailTransport } from './mail-delivery.js';

async function setup() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-mail-test-'));
  const store = openStore({ dataDir });
  await migrateToLatest(store);
  let now = Date.UTC(2026, 10, 28, 13, 0);
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const message = renderEmail({
    to: 'jane@example.test',
    practiceName: 'Riverside <Counselling>',
    subject: 'Your password was changed',
    greeting: 'Hello Jane,',
    paragraphs: ['Your password was changed.'],
    facts: [['IP address', '203.0.113.7']],
  });
  await store.transaction((trx) => enqueueMail(trx, { ...message, practiceId: null, at: now }));
  return { dataDir, store, clock };
}

const quiet = { info: () => undefined, warn: () => undefined };

describe('mail delivery', () => {
  it('writes one RFC 5322 .eml file per message when no SMTP server is set', async () => {
    const { dataDir, store, clock } = await setup();
    const from = 'Riverside Gatehouse <gatehouse@riverside.example>';
    const transport = createMailTransport({ smtpUrl: undefined, dataDir, from });
    expect(await deliverDueMail({ store, clock }, { transport, logger: quiet })).toBe(1);
    const files = readdirSync(path.join(dataDir, 'outbox'));
    expect(files).toHaveLength(1);
    const eml = readFileSync(path.join(dataDir, 'outbox', files[0] ?? ''), 'utf8');
    expect(eml).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(eml).toMatch(/^To: jane@example\.test\r$/m);
    expect(eml).toMatch(/^From: Riverside Gatehouse <gatehouse@riverside\.example>\r$/m);
    expect(eml).toMatch(/^Message-ID: <[^@\s]+@riverside\.example>\r$/m);
    expect(eml).toMatch(/^Subject: \S/m);
    expect(eml).toContain('Riverside &lt;Counselling&gt;');
    expect(await deliverDueMail({ store, clock }, { transport, logger: quiet })).toBe(0);
    await store.close();
  });

  it('keeps a message that failed and retries it with backoff', async () => {
    const { store, clock } = await setup();
    let fail = true;
    const sent: string[] = [];
    const flaky: MailTransport = {
      kind: 'smtp',
      send: async (mail) => {
        if (fail) throw new Error('connection refused');
        sent.push(mail.subject);
      },
    };
    expect(await deliverDueMail({ store, clock }, { transport: flaky, logger: quiet })).toBe(0);
    fail = false;
    expect(await deliverDueMail({ store, clock }, { transport: flaky, logger: quiet })).toBe(0);
    clock.advance(30_001);
    expect(await deliverDueMail({ store, clock }, { transport: flaky, logger: quiet })).toBe(1);
    expect(sent).toEqual(['Your password was changed — Riverside <Counselling>']);
    await store.close();
  });

  it('logs why a delivery failed: the SMTP server refused the connection', async () => {
    const { dataDir, store, clock } = await setup();
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const transport = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      dataDir,
      from: 'a@b.example',
    });
    const warnings: object[] = [];
    const logger = { info: () => undefined, warn: (fields: object) => void warnings.push(fields) };
    expect(await deliverDueMail({ store, clock }, { transport, logger })).toBe(0);
    expect(warnings).toEqual([
      expect.objectContaining({ attempts: 1, reason: expect.stringMatching(/ECONNREFUSED/) }),
    ]);
    await store.close();
  });
});
