import type { ServiceDeps } from '../services/context.js';
import type { Practice } from '../store/practice-store.js';
import { findAccountByName, type User } from '../store/user-store.js';
import type { CommandIo } from './command.js';

/**
 * The user named by `--practice` and `--username` (both case-folded), for the commands that act
 * on one user; says which is missing on stderr and returns undefined when there is none.
 */
export async function namedAccount(
  deps: ServiceDeps,
  names: { readonly practice: string; readonly username: string },
  io: CommandIo,
): Promise<{ readonly practice: Practice; readonly user: User } | undefined> {
  const account = await findAccountByName(deps.store.db, names.practice, names.username);
  if (!account?.credentials) {
    io.err(`No user "${names.username}" in practice "${names.practice}".\n`);
    return undefined;
  }
  return { practice: account.practice, user: account.credentials.user };
}
