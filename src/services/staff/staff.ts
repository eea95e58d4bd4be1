import { randomUUID } from 'node:crypto';
import { appUrlProblem } from '../../domain/app-url.js';
import { isPracticeAdmin, type Role } from '../../domain/roles.js';
import { lookAlikeUsername, usernameProblem } from '../../domain/username.js';
import { findFhirUser, setFhirUser } from '../../store/oidc-account-store.js';
import type { Practice } from '../../store/practice-store.js';
import {
  findUserById,
  insertUser,
  listUsernames,
  setUserStatus,
  updateUserProfile,
  usernameTaken,
  type User,
  type UserProfileChange,
} from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { alertAdministrators, whoIs } from '../mail/admin-alerts.js';
import { issueTemporaryPassword } from '../passwords/new-password.js';
import { endUserSessions } from '../sessions/session-revocation.js';

/**
 * Staff administration by a Practice Administrator, always inside their own practice (R7):
 * New User (with a temporary password shown once, R6), edit, roles, deactivate (ends every
 * session, S5) and reactivate. Each change and its event commit together. A new user name
 * must not look like one the practice has (src/domain/username.ts).
 */
export interface NewStaffInput {
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly supervisor?: boolean;
}

export interface StaffChange {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly roles?: readonly Role[];
  readonly supervisor?: boolean;
  readonly status?: User['status'];
  /** The fhirUser claim apps receive (SMART on FHIR): an app URL (domain/app-url.ts), or null to clear it. */
  readonly fhirUser?: string | null;
}

export type StaffProblem =
  | { readonly reason: 'invalid'; readonly message: string }
  | { readonly reason: 'username_taken' }
  | { readonly reason: 'username_look_alike'; readonly existing: string }
  | { readonly reason: 'own_account'; readonly message: string };

export type CreateStaffResult =
  | { readonly ok: true; readonly user: User; readonly temporaryPassword: string; readonly expiresAt: number }
  | { readonly ok: false; readonly problem: StaffProblem };

export type UpdateStaffResult =
  | { readonly ok: true; readonly user: User; readonly fhirUser: string | null }
  | { readonly ok: false; readonly problem: StaffProblem };

/** The staff member with this id inside this practice; an id of another practice names nobody. */
export async function findStaffMember(
  deps: ServiceDeps,
  { practice, id }: { readonly practice: Practice; readonly id: string },
): Promise<User | undefined> {
  return findUserById(deps.store.db, practice.id, id);
}

export async function createStaffUser(
  deps: ServiceDeps,
  {
    actor,
    practice,
    origin,
    ...input
  }: { readonly actor: User; readonly practice: Practice; readonly origin: RequestOrigin } & NewStaffInput,
): Promise<CreateStaffResult> {
  const invalid = validateNewStaff(input);
  if (invalid) return { ok: false, problem: { reason: 'invalid', message: invalid } };
  if (await usernameTaken(deps.store.db, practice.id, input.username))
    return { ok: false, problem: { reason: 'username_taken' } };
  const existing = lookAlikeUsername(input.username, await listUsernames(deps.store.db, practice.id));
  if (existing !== undefined) return { ok: false, problem: { reason: 'username_look_alike', existing } };

  const issued = await issueTemporaryPassword(deps, { practice, owner: input });
  const id = randomUUID();
  const at = deps.clock.now();
  const roles = [...new Set(input.roles)];
  try {
    await deps.store.transaction(async (trx) => {
      await insertUser(trx, {
        id,
        practiceId: practice.id,
        username: input.username,
        firstName: input.firstName.trim(),
        lastName: input.lastName.trim(),
        email: input.email.trim(),
        roles,
        supervisor: input.supervisor ?? false,
        passwordHash: issued.passwordHash,
        passwordMustChange: true,
        temporaryPasswordExpiresAt: issued.expiresAt,
        now: at,
      });
      await audit(trx, {
        practiceId: practice.id,
        type: 'user.created',
        outcome: 'success',
        actor,
        target: { id, username: input.username },
        origin,
        at,
        details: { roles: roles.join(', '), supervisor: input.supervisor ?? false },
      });
      if (isPracticeAdmin(roles))
        await alertAdministrators(trx, {
          kind: 'admin_granted',
          practice,
          actor,
          target: { id, username: input.username },
          summary: `${whoIs(actor)} added the account ${whoIs({ ...profileOf(input), username: input.username })} as a Practice Administrator.`,
          origin,
          at,
        });
    });
  } catch (error) {
    // Two administrators creating the same user name at once: the unique index decides.
    if (await usernameTaken(deps.store.db, practice.id, input.username))
      return { ok: false, problem: { reason: 'username_taken' } };
    throw error;
  }
  const user = await findUserById(deps.store.db, practice.id, id);
  if (!user) throw new Error('the new user vanished');
  return { ok: true, user, temporaryPassword: issued.temporaryPassword, expiresAt: issued.expiresAt };
}

export async function updateStaffUser(
  deps: ServiceDeps,
  {
    actor,
    practice,
    target,
    origin,
    ...change
  }: {
    readonly actor: User;
    readonly practice: Practice;
    readonly target: User;
    readonly origin: RequestOrigin;
  } & StaffChange,
): Promise<UpdateStaffResult> {
  const next: UserProfileChange = {
    firstName: change.firstName?.trim() ?? target.firstName,
    lastName: change.lastName?.trim() ?? target.lastName,
    email: change.email?.trim() ?? target.email,
    roles: change.roles ? [...new Set(change.roles)] : target.roles,
    supervisor: change.supervisor ?? target.supervisor,
  };
  const fhirUser = change.fhirUser === undefined ? undefined : change.fhirUser?.trim() || null;
  const invalid = validateProfile(next) ?? (fhirUser ? appUrlProblem(fhirUser) : undefined);
  if (invalid) return { ok: false, problem: { reason: 'invalid', message: invalid } };
  const status = change.status ?? target.status;
  if (target.id === actor.id && status === 'deactivated')
    return {
      ok: false,
      problem: { reason: 'own_account', message: 'You cannot deactivate your own account.' },
    };
  if (target.id === actor.id && !next.roles.includes('practice_admin'))
    return {
      ok: false,
      problem: {
        reason: 'own_account',
        message: 'You cannot remove the Practice Administrator role from your own account.',
      },
    };

  const profileChanged: string[] = (['firstName', 'lastName', 'email'] as const).filter(
    (f) => next[f] !== target[f],
  );
  const fhirUserBefore = (await findFhirUser(deps.store.db, practice.id, target.id)) ?? null;
  const fhirUserChanged = fhirUser !== undefined && fhirUser !== fhirUserBefore;
  if (fhirUserChanged) profileChanged.push('fhirUser');
  const rolesChanged =
    [...next.roles].sort().join(',') !== [...target.roles].sort().join(',') ||
    next.supervisor !== target.supervisor;
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    const common = { practiceId: practice.id, outcome: 'success', actor, target, origin, at } as const;
    if (profileChanged.length > 0 || rolesChanged) {
      await updateUserProfile(trx, practice.id, target.id, next, at);
    }
    if (fhirUserChanged) await setFhirUser(trx, practice.id, target.id, fhirUser, at);
    if (profileChanged.length > 0)
      await audit(trx, { ...common, type: 'user.updated', details: { changed: profileChanged.join(', ') } });
    if (rolesChanged)
      await audit(trx, {
        ...common,
        type: 'user.roles_changed',
        details: {
          from: rolesText(target.roles, target.supervisor),
          to: rolesText(next.roles, next.supervisor),
        },
      });
    if (isPracticeAdmin(next.roles) && !isPracticeAdmin(target.roles))
      await alertAdministrators(trx, {
        kind: 'admin_granted',
        practice,
        actor,
        target,
        summary: `${whoIs(actor)} gave ${whoIs({ ...target, ...next })} the Practice Administrator role.`,
        origin,
        at,
      });
    if (status !== target.status) {
      await setUserStatus(trx, practice.id, target.id, status, at);
      await audit(trx, {
        ...common,
        type: status === 'deactivated' ? 'user.deactivated' : 'user.reactivated',
      });
      if (status === 'deactivated')
        await endUserSessions(trx, { user: target, actor, reason: 'user_deactivated', origin, at });
    }
  });
  const user = await findUserById(deps.store.db, practice.id, target.id);
  if (!user) throw new Error('the edited user vanished');
  return { ok: true, user, fhirUser: fhirUserChanged ? fhirUser : fhirUserBefore };
}

/** The staff member's fhirUser URL, null when unset (Staff > Name). */
export async function staffFhirUser(
  deps: ServiceDeps,
  practice: Practice,
  user: User,
): Promise<string | null> {
  return (await findFhirUser(deps.store.db, practice.id, user.id)) ?? null;
}

function rolesText(roles: readonly Role[], supervisor: boolean): string {
  return [...roles, ...(supervisor ? ['supervisor'] : [])].join(', ') || 'none';
}

function profileOf(input: NewStaffInput) {
  return { firstName: input.firstName.trim(), lastName: input.lastName.trim(), email: input.email.trim() };
}

function validateNewStaff(input: NewStaffInput): string | undefined {
  return (
    usernameProblem(input.username) ??
    validateProfile({ ...profileOf(input), roles: input.roles, supervisor: input.supervisor ?? false })
  );
}

function validateProfile(profile: UserProfileChange): string | undefined {
  if (!profile.firstName || !profile.lastName) return 'First and last name are required.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(profile.email))
    return 'Enter a valid email address, such as name@example.com.';
  if (profile.roles.length === 0) return 'Choose at least one role.';
  return undefined;
}
