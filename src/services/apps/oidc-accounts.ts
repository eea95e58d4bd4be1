import type { Account, ClaimsParameterMember } from 'oidc-provider';
import type { Store } from '../../store/database.js';
import { findOidcAccount } from '../../store/oidc-account-store.js';

/**
 * Claims per scope (docs/architecture.md "Apps signing in"): `sub` is the user's id, never the user name (O5). `amr` and
 * `auth_time` come from the sign-in itself (services/apps/oidc-sign-in.ts), not from here; listed
 * under openid so that every ID token carries them.
 */
export const SCOPE_CLAIMS = {
  openid: ['sub', 'amr', 'auth_time'],
  profile: ['preferred_username', 'name', 'given_name', 'family_name', 'practice'],
  email: ['email'],
  roles: ['roles', 'practice'],
  fhirUser: ['fhirUser'],
} as const;

/** The provider's account: undefined for an unknown or deactivated user, so their tokens stop working. */
export async function findAccount(store: Store, userId: string): Promise<Account | undefined> {
  const account = await findOidcAccount(store.db, userId);
  if (!account || account.user.status !== 'active') return undefined;
  const { user, practiceCode, fhirUser } = account;
  return {
    accountId: user.id,
    claims: (_use: string, _scope: string, _claims: Record<string, ClaimsParameterMember | null>) => ({
      sub: user.id,
      preferred_username: user.username,
      name: `${user.firstName} ${user.lastName}`,
      given_name: user.firstName,
      family_name: user.lastName,
      email: user.email,
      practice: practiceCode,
      roles: [...user.roles],
      ...(fhirUser === null ? {} : { fhirUser }),
    }),
  };
}
