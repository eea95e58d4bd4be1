import { randomUUID } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { COSEALG } from '@simplewebauthn/server/helpers';
import {
  deletePasskey,
  insertPasskey,
  listPasskeys,
  recordPasskeyUse,
  renamePasskey,
  saveChallenge,
  takeChallenge,
  type Passkey,
} from '../../store/passkey-store.js';
import { findTwoFactorStatus } from '../../store/two-factor-store.js';
import { audit, detailText } from '../activity/audit.js';
import type { ServiceDeps } from '../context.js';
import { confirmCurrentPassword, type CurrentPasswordRefusal } from '../passwords/current-password.js';
import { notifyUser } from '../mail/notify.js';
import type { OwnRequest, ValidSession } from '../sessions/sessions.js';
import type { TwoFactorDeps } from './two-factor-deps.js';
import { attemptSecondFactor, type SecondFactorResult } from '../sign-in/two-factor-sign-in.js';

/**
 * Passkeys and security keys (WebAuthn, F6): the phishing-resistant second factor. A passkey
 * is bound to the site's RP ID, so a look-alike site cannot use it.
 *
 * - Offered once two-factor authentication is on (an authenticator app and recovery codes
 *   stay the way back in); turning 2FA off or an admin removal deletes the passkeys too.
 * - Registering needs the current password (F4); every addition and removal is emailed (F5).
 * - Adding, renaming and removing each record their event in the change's transaction.
 * - Challenges live in the database for 5 minutes, one per user and purpose, used once, so a
 *   ceremony begun on one instance finishes on any other.
 * - User verification is preferred, not required: this is a second factor after the password.
 */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * The keys a passkey may have, offered and accepted, the same on every Node.js version. The
 * library's default adds ML-DSA-44 first wherever Web Crypto has it (Node 24), where it is an
 * experimental feature that may change between patch releases and warns on stderr.
 */
const PASSKEY_ALGORITHMS = [COSEALG.EdDSA, COSEALG.ES256, COSEALG.RS256];

/** Where the browser runs the ceremony: RP ID (a host name) and the page's origin. */
export interface RelyingParty {
  readonly id: string;
  readonly origin: string;
}

/** A WebAuthn ceremony's request: who, from where, and the site it runs for. */
export interface CeremonyRequest extends OwnRequest {
  readonly rp: RelyingParty;
}

export type BeginRegistrationResult =
  | { readonly ok: true; readonly options: PublicKeyCredentialCreationOptionsJSON }
  | { readonly ok: false; readonly reason: CurrentPasswordRefusal | 'not_enabled' };

export async function beginPasskeyRegistration(
  deps: TwoFactorDeps,
  { auth, origin, rp, currentPassword }: CeremonyRequest & { readonly currentPassword: string },
): Promise<BeginRegistrationResult> {
  const { user } = auth;
  const confirmed = await confirmCurrentPassword(deps, {
    auth,
    origin,
    password: currentPassword,
    failureEvent: 'passkey.added',
  });
  if (!confirmed.ok) return confirmed;
  if (!(await findTwoFactorStatus(deps.store.db, user.id)).enabled)
    return { ok: false, reason: 'not_enabled' };
  const existing = await listPasskeys(deps.store.db, user.id);
  const options = await generateRegistrationOptions({
    rpName: 'Gatehouse',
    rpID: rp.id,
    userName: `${user.username} (${auth.practice.code})`,
    userDisplayName: `${user.firstName} ${user.lastName}`.trim() || user.username,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((passkey) => ({
      id: passkey.credentialId,
      transports: [...passkey.transports],
    })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  await saveChallenge(deps.store.db, {
    userId: user.id,
    purpose: 'registration',
    value: options.challenge,
    expiresAt: deps.clock.now() + CHALLENGE_TTL_MS,
  });
  return { ok: true, options };
}

export type FinishRegistrationResult =
  { readonly ok: true; readonly passkey: Passkey } | { readonly ok: false; readonly reason: 'not_verified' };

export async function finishPasskeyRegistration(
  deps: TwoFactorDeps,
  {
    auth,
    origin,
    rp,
    ...input
  }: CeremonyRequest & { readonly name: string; readonly response: RegistrationResponseJSON },
): Promise<FinishRegistrationResult> {
  const { user, practice } = auth;
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    const challenge = await takeChallenge(trx, user.id, 'registration', now);
    if (challenge === undefined) return { ok: false, reason: 'not_verified' } as const;
    const verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    }).catch(() => undefined);
    if (!verification?.verified) return { ok: false, reason: 'not_verified' } as const;
    const { credential } = verification.registrationInfo;
    const passkey: Passkey = {
      id: randomUUID(),
      userId: user.id,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      signCount: credential.counter,
      transports: credential.transports ?? [],
      name: input.name,
      createdAt: now,
      lastUsedAt: null,
    };
    await insertPasskey(trx, passkey);
    await audit(trx, {
      practiceId: practice.id,
      type: 'passkey.added',
      outcome: 'success',
      actor: user,
      target: user,
      origin,
      at: now,
      details: { passkey: passkey.id },
    });
    await notifyUser(
      trx,
      { user, practice, origin, at: now },
      {
        subject: 'A passkey was added to your account',
        paragraphs: [
          'A passkey or security key was added to your account. You can now use it to finish logging in.',
        ],
      },
    );
    return { ok: true, passkey } as const;
  });
}

export async function beginPasskeySignIn(
  deps: TwoFactorDeps,
  { auth, rp }: Omit<CeremonyRequest, 'origin'>,
): Promise<PublicKeyCredentialRequestOptionsJSON | undefined> {
  const passkeys = await listPasskeys(deps.store.db, auth.user.id);
  if (passkeys.length === 0) return undefined;
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: passkeys.map((passkey) => ({
      id: passkey.credentialId,
      transports: [...passkey.transports],
    })),
    userVerification: 'preferred',
  });
  await saveChallenge(deps.store.db, {
    userId: auth.user.id,
    purpose: 'authentication',
    value: options.challenge,
    expiresAt: deps.clock.now() + CHALLENGE_TTL_MS,
  });
  return options;
}

export async function finishPasskeySignIn(
  deps: TwoFactorDeps,
  {
    auth,
    origin,
    rp,
    ...input
  }: CeremonyRequest & { readonly response: AuthenticationResponseJSON; readonly rememberBrowser: boolean },
): Promise<SecondFactorResult> {
  return attemptSecondFactor(deps, {
    auth,
    origin,
    rememberBrowser: input.rememberBrowser,
    check: async (trx, now) => {
      const challenge = await takeChallenge(trx, auth.user.id, 'authentication', now);
      const passkey = (await listPasskeys(trx, auth.user.id)).find(
        (p) => p.credentialId === input.response.id,
      );
      if (challenge === undefined || !passkey) return { ok: false, reason: 'invalid_passkey' };
      const verification = await verifyAuthenticationResponse({
        response: input.response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
          counter: passkey.signCount,
          transports: [...passkey.transports],
        },
        requireUserVerification: false,
      }).catch(() => undefined);
      if (!verification?.verified) return { ok: false, reason: 'invalid_passkey' };
      await recordPasskeyUse(trx, passkey.id, verification.authenticationInfo.newCounter, now);
      return { ok: true, method: 'passkey' };
    },
  });
}

/** Removes one of the user's passkeys, with its event and email; false when the id is not theirs. */
export async function removePasskey(
  deps: TwoFactorDeps,
  { auth, origin, id }: OwnRequest & { readonly id: string },
): Promise<boolean> {
  const { user, practice } = auth;
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    if (!(await deletePasskey(trx, user.id, id))) return false;
    await audit(trx, {
      practiceId: practice.id,
      type: 'passkey.removed',
      outcome: 'success',
      actor: user,
      target: user,
      origin,
      at: now,
      details: { passkey: id },
    });
    await notifyUser(
      trx,
      { user, practice, origin, at: now },
      {
        subject: 'A passkey was removed from your account',
        paragraphs: [
          'A passkey or security key was removed from your account. It can no longer be used to log in.',
        ],
      },
    );
    return true;
  });
}

/** The signed-in user's own passkeys and security keys. */
export async function listOwnPasskeys(
  deps: ServiceDeps,
  { auth: { user } }: { readonly auth: ValidSession },
): Promise<Passkey[]> {
  return listPasskeys(deps.store.db, user.id);
}

/** Renames one of the user's passkeys, with its event; false when the id is not theirs. */
export async function renameOwnPasskey(
  deps: TwoFactorDeps,
  { auth, origin, ...change }: OwnRequest & { readonly id: string; readonly name: string },
): Promise<boolean> {
  const { user, practice } = auth;
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    const before = (await listPasskeys(trx, user.id)).find((passkey) => passkey.id === change.id);
    if (!before || !(await renamePasskey(trx, user.id, change.id, change.name))) return false;
    await audit(trx, {
      practiceId: practice.id,
      type: 'passkey.renamed',
      outcome: 'success',
      actor: user,
      target: user,
      origin,
      at: now,
      details: { passkey: change.id, from: detailText(before.name), to: detailText(change.name) },
    });
    return true;
  });
}
