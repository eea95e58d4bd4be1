import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAccountByName, findUserById } from '../../src/store/user-store.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

// Sign-in, forgotten passwords and the CLI find a practice and its user by name in one query
// (findAccountByName): a user of the same name in another practice must never be the answer.
let server: TestServer;
let first: TestPractice;
let second: TestPractice;
let firstNurse: SeededUser;
let secondNurse: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  first = await seedPractice(server.deps);
  second = await seedPractice(server.deps);
  firstNurse = await seedUser(server.deps, first, { username: 'Nurse.Jo' });
  secondNurse = await seedUser(server.deps, second, { username: 'nurse.jo' });
});
afterAll(() => server.close());

describe('a practice and its user found by name', () => {
  it('finds the user of that name in that practice only, whatever the letter case', async () => {
    const db = server.deps.store.db;
    const inFirst = await findAccountByName(db, first.code.toLowerCase(), 'NURSE.JO');
    const inSecond = await findAccountByName(db, second.code, 'Nurse.Jo');
    expect(inFirst?.practice).toMatchObject({ id: first.practiceId, code: first.code });
    expect(inFirst?.credentials?.user).toEqual(await findUserById(db, first.practiceId, firstNurse.id));
    expect(inFirst?.credentials?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(inSecond?.practice.id).toBe(second.practiceId);
    expect(inSecond?.credentials?.user.id).toBe(secondNurse.id);
  });

  it('finds the practice without credentials for an unknown user, and nothing for an unknown practice', async () => {
    const db = server.deps.store.db;
    const noUser = await findAccountByName(db, first.code, 'nobody');
    expect(noUser?.practice.id).toBe(first.practiceId);
    expect(noUser?.credentials).toBeUndefined();
    expect(await findAccountByName(db, 'NO-SUCH-PRACTICE', firstNurse.username)).toBeUndefined();
  });
});
