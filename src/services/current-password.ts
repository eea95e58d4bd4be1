import { findCredentialsByUsername, type User } from '../store/user-store.js';
import type { ServiceDeps } from './context.js';

/** Fresh proof before a security change (F4, A 7.5.1): the signed-in user's current password. */
export async function verifyCurrentPassword(
  deps: ServiceDeps,
  user: User,
  password: string,
): Promise<boolean> {
  const credentials = await findCredentialsByUsername(deps.store.db, user.practiceId, user.username);
  if (!credentials || credentials.user.id !== user.id) return false;
  return deps.hasher.verify(credentials.passwordHash, password);
}
