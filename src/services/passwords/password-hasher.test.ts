import { describe, expect, it } from 'vitest';
import { createPasswordHasher, parsePhcParameters } from './password-hasher.js';

/** Real argon2id with the production parameters. */
const hasher = createPasswordHasher();

describe('password hashing', () => {
  it('stores argon2id with m=19456 KiB, t=2, p=1 and a unique salt in the PHC string', async () => {
    const first = await hasher.hash('same password');
    const second = await hasher.hash('same password');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toBe(second);
    expect(parsePhcParameters(first)).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('accepts a 64-character password with spaces and emoji', async () => {
    const password = '🙂 long passphrase with spaces and emoji 🏥 for the clinic 🙂 ok'.slice(0, 64);
    expect([...password].length).toBeGreaterThanOrEqual(60);
    const stored = await hasher.hash(password);
    expect(await hasher.verify(stored, password)).toBe(true);
  });

  it('verifies NFC and NFD forms alike (NFKC first)', async () => {
    const nfc = 'caf\u00e9 au lait, s\u00ed se\u00f1or';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const stored = await hasher.hash(nfc);
    expect(await hasher.verify(stored, nfd)).toBe(true);
  });

  it('fails when only the last character differs, or only the case', async () => {
    const password = 'x'.repeat(63) + 'y';
    const stored = await hasher.hash(password);
    expect(await hasher.verify(stored, 'x'.repeat(64))).toBe(false);
    expect(await hasher.verify(stored, password.toUpperCase())).toBe(false);
    expect(await hasher.verify(stored, password)).toBe(true);
  });

  it('treats a malformed stored hash as no match', async () => {
    expect(await hasher.verify('not a hash', 'anything')).toBe(false);
  });

  it('asks for a re-hash of weaker parameters only', async () => {
    const weak = createPasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(hasher.needsRehash(await weak.hash('pw'))).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    expect(hasher.needsRehash('$2b$10$bcrypt')).toBe(true);
  });
});
