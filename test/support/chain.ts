import { expect } from 'vitest';
import { eventHash, GENESIS_HASH } from '../../src/domain/audit-event.js';
import { fromAuditRow } from '../../src/store/audit-store.js';
import type { Store } from '../../src/store/database.js';

/** Asserts that a practice's events form one gap-free chain of valid hashes; returns its length. */
export async function expectWholeChain(store: Store, practiceId: string): Promise<number> {
  const rows = await store.db
    .selectFrom('audit_events')
    .selectAll()
    .where('chain_id', '=', practiceId)
    .orderBy('seq')
    .execute();
  let previous = GENESIS_HASH;
  rows.forEach((row, index) => {
    const event = fromAuditRow(row);
    expect(event.seq).toBe(index + 1);
    expect(event.prevHash).toBe(previous);
    const { hash, ...unsigned } = event;
    expect(eventHash(unsigned)).toBe(hash);
    previous = hash;
  });
  return rows.length;
}
